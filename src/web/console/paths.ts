/** Addresses of the console's detail pages (kept apart from the lazy pages, so linking to one does not load it). */
export const personPath = (psnNo: string) => `/console/persons/${encodeURIComponent(psnNo)}`;
export const settlementPath = (setlId: string) => `/console/settlements/${encodeURIComponent(setlId)}`;
export const warningPath = (id: number) => `/console/warnings/${id}`;
export const applicationPath = (id: string) => `/console/assistance/${encodeURIComponent(id)}`;
/** The filing form, prefilled for a person and, when it comes from one, a warning and its check date. */
export const newApplicationPath = (prefill: { psn_no?: string; warning_id?: number; date?: string } = {}) => {
  const q = new URLSearchParams();
  if (prefill.psn_no) q.set("psn_no", prefill.psn_no);
  if (prefill.warning_id !== undefined) q.set("warning_id", String(prefill.warning_id));
  if (prefill.date) q.set("date", prefill.date);
  const search = q.toString();
  return `/console/assistance/new${search ? `?${search}` : ""}`;
};

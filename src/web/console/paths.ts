/** Addresses of the console's detail pages (kept apart from the lazy pages, so linking to one does not load it). */
export const personPath = (psnNo: string) => `/console/persons/${encodeURIComponent(psnNo)}`;
export const settlementPath = (setlId: string) => `/console/settlements/${encodeURIComponent(setlId)}`;

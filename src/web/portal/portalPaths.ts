export const portalSettlementPath = (setlId: string) => `/portal/settlements/${encodeURIComponent(setlId)}`;

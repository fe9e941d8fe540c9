export * from "./ledger.js";
export * from "./reconciliation.js";
export * from "./statements.js";

export * from "./chronic.js";
export * from "./encounters.js";
export * from "./queries.js";
export * from "./reversal.js";
export * from "./settlement.js";
export * from "./settlementList.js";

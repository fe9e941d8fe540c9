export * from "./settlements.js";
export * from "./settlementList.js";

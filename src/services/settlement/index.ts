export * from "./calculator.js";
export * from "./encounters.js";
export * from "./settlement.js";
export * from "./simulate.js";
export * from "./views.js";
export * from "./settlementList.js";
export * from "./queries.js";

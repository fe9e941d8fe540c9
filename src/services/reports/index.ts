export * from "./benefits.js";
export * from "./benefitsWorkbook.js";
export * from "./dashboard.js";
export * from "./reports.js";

export * from "./benefits.js";
export * from "./dashboard.js";
export * from "./reports.js";

export * from "./dashboard.js";
export * from "./reports.js";

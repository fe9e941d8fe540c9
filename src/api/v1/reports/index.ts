export * from "./dashboard.js";
export * from "./benefits.js";

export * from "./dashboard.js";

export * from "./settlements.js";

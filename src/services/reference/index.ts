export * from "./hospitals.js";
export * from "./shipped.js";

export * from "./hospitals.js";
export * from "./shipped.js";
export * from "./matching.js";

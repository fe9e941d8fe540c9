export * from "./hospitals.js";
export * from "./policies.js";
export * from "./matching.js";

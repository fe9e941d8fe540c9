export * from "./hospitals.js";
export * from "./policies.js";

export * from "./duplicates.js";
export * from "./enrollment.js";

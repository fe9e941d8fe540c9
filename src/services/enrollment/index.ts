export * from "./coverage.js";
export * from "./duplicates.js";
export * from "./enrollment.js";
export * from "./population.js";
export * from "./registry.js";

export * from "./check.js";
export * from "./scan.js";
export * from "./warnings.js";

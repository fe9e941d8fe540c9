export * from "./check.js";
export { SELF_PAID } from "./figures.js";
export * from "./scan.js";
export * from "./warnings.js";

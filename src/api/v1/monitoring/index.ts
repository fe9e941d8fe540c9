export * from "./portal.js";
export * from "./warnings.js";

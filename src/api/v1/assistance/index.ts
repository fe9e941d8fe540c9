export * from "./applications.js";
export * from "./portal.js";

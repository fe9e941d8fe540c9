export * from "./applications.js";
export * from "./reads.js";

export * from "./catalogue.js";
export * from "./matching.js";

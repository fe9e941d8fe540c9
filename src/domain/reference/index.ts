export * from "./catalogue.js";
export * from "./policy/schema.js";
export * from "./policy/select.js";
export * from "./regions.js";
export * from "./dictionaries.js";
export * from "./matching.js";

export * from "./catalogue.js";
export * from "./dictionary.js";
export * from "./matching.js";

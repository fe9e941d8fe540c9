export * from "./catalogue.js";
export * from "./dictionary.js";

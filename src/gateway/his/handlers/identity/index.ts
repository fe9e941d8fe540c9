export * from "./persons.js";
export * from "./signin.js";

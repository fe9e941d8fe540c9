export * from "./matching.js";

export * from "./assistance.js";

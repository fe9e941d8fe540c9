export * from "./io.js";

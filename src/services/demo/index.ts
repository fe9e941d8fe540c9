export * from "./demo.js";

export * from "./inputs.js";
export * from "./shapes.js";

export * from "./calculation.js";
export * from "./kinds.js";
export * from "./states.js";
export * from "./window.js";

export * from "./decide.js";
export * from "./evaluate.js";
export * from "./states.js";
export * from "./window.js";

export * from "./settle.js";
export * from "./simulate.js";

export * from "./me.js";

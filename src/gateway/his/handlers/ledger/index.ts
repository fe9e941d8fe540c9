export * from "./files.js";
export * from "./reconcile.js";

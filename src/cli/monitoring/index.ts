export * from "./monitor.js";

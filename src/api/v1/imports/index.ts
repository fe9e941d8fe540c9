export * from "./jobs.js";
export * from "./rosters.js";

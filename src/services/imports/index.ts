export * from "./files.js";
export * from "./jobs.js";
export * from "./queue.js";
export * from "./rosters.js";
export * from "./rows.js";
export * from "./supplementary.js";
export * from "./matching.js";

export * from "./hospitals.js";
export * from "./shipped.js";
export * from "./catalogueDownload.js";
export * from "./matching.js";

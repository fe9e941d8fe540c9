export * from "./coverage.js";
export * from "./duplicates.js";
export * from "./enrollments.js";
export * from "./persons.js";

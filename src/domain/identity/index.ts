export * from "./access.js";
export * from "./passwords.js";

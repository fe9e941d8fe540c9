export * from "./hisCredentials.js";
export * from "./users.js";

export * from "./auth.js";
export * from "./hisCredentials.js";

export * from "./auth.js";
export * from "./hisCredentials.js";
export * from "./hisRefusals.js";
export * from "./voucher.js";

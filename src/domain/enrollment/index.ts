export * from "./contribution.js";
export * from "./subsidy.js";

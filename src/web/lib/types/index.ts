export * from "./auth";
export * from "./common";
export * from "./duplicates";
export * from "./operations";
export * from "./persons";
export * from "./portal";
export * from "./settlements";
export * from "./subsidies";

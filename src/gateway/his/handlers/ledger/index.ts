export * from "./files.js";
export * from "./reconcile.js";
export * from "./fileDownload.js";

import { randomBytes } from "node:crypto";

/** Identifiers Yibao hands out: a prefix, the date, and random hex — unique without a central counter. */
export function newId(prefix: string, time: string): string {
  const day = time.slice(0, 10).replace(/-/g, "");
  return `${prefix}${day}${randomBytes(6).toString("hex").toUpperCase()}`;
}

export function nowText(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

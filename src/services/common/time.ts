/** Today's date in China (YYYY-MM-DD), whatever the server's time zone: the day a clerk or a policy means. */
export function todayInChina(now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

import { formatYuan } from "../lib/format";

/** An amount in yuan: ¥1,234.50, aligned on its digits. */
export function Money({ value, strong }: { value: number | null | undefined; strong?: boolean }) {
  const text = formatYuan(value);
  return <span className={strong ? "money money-strong" : "money"}>{text}</span>;
}

import { Tag } from "antd";
import { useI18n } from "../i18n";

/** A status or kind code shown as a coloured tag with its translated name ("setlStatus.reversed" → 已冲销). */
export function CodeTag({ prefix, code, fallback, color }: { prefix: string; code: string | null | undefined; fallback?: string; color?: Record<string, string> }) {
  const { tryT } = useI18n();
  if (!code) return <>—</>;
  return <Tag color={color?.[code]}>{tryT(`${prefix}.${code}`, fallback ?? code)}</Tag>;
}

export const STATUS_COLORS: Record<string, string> = {
  enrolled: "green",
  suspended: "orange",
  ended: "default",
  settled: "green",
  reversed: "red",
  open: "orange",
  resolved: "green",
  queued: "default",
  running: "processing",
  done: "success",
  failed: "error",
};

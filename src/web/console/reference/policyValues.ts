import type { useI18n } from "../../i18n";
import { DASH, formatRatio, formatYuan } from "../../lib/format";

/**
 * How a policy document's keys and values read: the policy YAML's own words (amounts in yuan, ratios as decimals) turned
 * into labelled amounts and percentages. Keys this file does not know are shown as they are, so a new policy section
 * still renders, only less prettily.
 */

type I18n = Pick<ReturnType<typeof useI18n>, "t" | "tryT">;

const RATIO = /(^|_)(ratio|share|points|cut)($|_)/;
const MONEY = /(deductible|cap$|_cap|limit|threshold|contribution|subsidy|upto|standard)/;

export function isRatio(key: string, parent?: string): boolean {
  return RATIO.test(key) || (parent !== undefined && RATIO.test(parent));
}

export function isMoney(key: string, parent?: string): boolean {
  return !isRatio(key, parent) && (MONEY.test(key) || (parent !== undefined && MONEY.test(parent)));
}

export function keyLabel({ tryT }: I18n, key: string): string {
  const known = [`pk.${key}`, `categoryName.${key}`, `level.${key}`, `filing.${key}`];
  for (const candidate of known) {
    const text = tryT(candidate, "");
    if (text) return text;
  }
  const insutype = tryT(`insutype.${key}`, "");
  return insutype ? `${insutype}（${key}）` : key;
}

function codeName({ tryT }: I18n, key: string, code: string): string {
  if (key === "category" || key === "categories") return tryT(`categoryName.${code}`, code);
  if (key === "insutype" || key === "insutypes") return tryT(`insutype.${code}`, code);
  return code;
}

export function formatValue(i18n: I18n, key: string, value: unknown, parent?: string): string {
  if (value === null || value === undefined) return key === "upto" ? i18n.t("policy.unlimited") : DASH;
  if (typeof value === "boolean") return value ? i18n.t("common.yes") : i18n.t("common.no");
  if (typeof value === "number") {
    if (isRatio(key, parent)) return formatRatio(value);
    if (isMoney(key, parent)) return formatYuan(value);
    return String(value);
  }
  if (typeof value === "string") return codeName(i18n, key, value);
  if (Array.isArray(value)) return value.map((v) => formatValue(i18n, key, v, parent)).join("、");
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${keyLabel(i18n, k)}：${formatValue(i18n, k, v, key)}`)
    .join("；");
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export const isTable = (v: unknown): v is Record<string, unknown>[] => Array.isArray(v) && v.length > 0 && v.every(isPlainObject);

/** Scalars (and lists of scalars) fit a Descriptions; objects and lists of objects become their own blocks. */
export const isScalar = (v: unknown): boolean => !isPlainObject(v) && !isTable(v);

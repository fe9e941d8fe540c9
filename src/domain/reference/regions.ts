/**
 * Region codes (GB/T 2260) and their scopes. A code's trailing "00" pairs widen it: 450000 (a province) covers every
 * code starting 45, 451000 (a prefecture) every code starting 4510, 451026 (a county) only itself. A scope of 000000
 * is national.
 */

/** Names of the regions the demo and the shipped policies know (others show by code). */
export const REGION_NAMES: Readonly<Record<string, string>> = {
  "000000": "全国",
  "450000": "广西壮族自治区",
  "451000": "百色市",
  "451002": "右江区",
  "451003": "田阳区",
  "451022": "田东县",
  "451024": "德保县",
  "451026": "那坡县",
  "451027": "凌云县",
  "451028": "乐业县",
  "451029": "田林县",
  "451030": "西林县",
  "451031": "隆林各族自治县",
  "451081": "靖西市",
  "451082": "平果市",
  "360000": "江西省",
  "360100": "南昌市",
  "360102": "东湖区",
  "360103": "西湖区",
  "360104": "青云谱区",
  "360111": "青山湖区",
  "360112": "新建区",
  "360113": "红谷滩区",
  "360121": "南昌县",
};

export function regionName(admdvs: string): string {
  return REGION_NAMES[admdvs] ?? admdvs;
}

/** The prefix every code inside a scope starts with: 451000 → "4510", 450000 → "45", 000000 → "". */
export function regionPrefix(scope: string): string {
  let prefix = scope;
  while (prefix.length > 0 && prefix.endsWith("00")) prefix = prefix.slice(0, -2);
  return prefix;
}

/** Whether a region code lies inside a scope. */
export function regionCovers(scope: string, admdvs: string): boolean {
  return admdvs.startsWith(regionPrefix(scope));
}

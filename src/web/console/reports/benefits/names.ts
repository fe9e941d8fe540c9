import { useCallback } from "react";
import { useI18n } from "../../../i18n";
import type { BenefitCare, BenefitPopulation, BenefitTier } from "../../../lib/types";

/** The tiers the charts draw: every tier but the total (which would dwarf them). */
export const CHART_TIERS: readonly BenefitTier[] = [
  "basic", "critical_illness", "large_amount", "assistance", "application_assistance", "secondary_assistance", "huiminbao", "charity",
];
export const TIER_COLORS = ["#1464c8", "#e8684a", "#9270ca", "#2fb67c", "#f6bd16", "#ff9845", "#1e9493", "#ff99c3"];

/** Names of the report's tiers, kinds of care and populations in the app's language (the server's own as a fallback). */
export function useBenefitNames() {
  const { tryT } = useI18n();
  const tier = useCallback((t: BenefitTier, fallback: string = t) => tryT(`benefitTier.${t}`, fallback), [tryT]);
  const care = useCallback((c: BenefitCare, fallback: string = c) => tryT(`benefitCare.${c}`, fallback), [tryT]);
  const population = useCallback(
    (p: BenefitPopulation, fallback: string = p) => (p === "all" || p === "poverty_relief" ? tryT(`benefitPopulation.${p}`, fallback) : tryT(`categoryName.${p}`, fallback)),
    [tryT],
  );
  return { tier, care, population };
}

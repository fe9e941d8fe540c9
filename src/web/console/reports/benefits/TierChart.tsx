import { useMemo } from "react";
import { Chart, type ChartOption } from "../../../components/Chart";
import { useI18n } from "../../../i18n";
import { formatYuan } from "../../../lib/format";
import type { BenefitPopulation, BenefitRow } from "../../../lib/types";
import { CHART_TIERS, useBenefitNames } from "./names";

const SIDE_BY_SIDE: readonly BenefitPopulation[] = ["all", "poverty_relief"];

/** The period's amount per tier (every kind of care), all insured and the poverty-relief population side by side. */
export function TierChart({ rows }: { rows: BenefitRow[] }) {
  const { t } = useI18n();
  const names = useBenefitNames();
  const option = useMemo<ChartOption>(() => {
    const amount = (tier: string, population: BenefitPopulation) =>
      rows.find((r) => r.tier === tier && r.care === "all" && r.population === population)?.amount ?? 0;
    return {
      color: ["#1464c8", "#e8684a"],
      tooltip: { trigger: "axis", valueFormatter: (v: unknown) => (typeof v === "number" ? formatYuan(v) : String(v)) },
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: CHART_TIERS.map((tier) => names.tier(tier)), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", name: t("benefits.amount") },
      series: SIDE_BY_SIDE.map((population) => ({
        name: names.population(population),
        type: "bar",
        data: CHART_TIERS.map((tier) => amount(tier, population)),
      })),
    };
  }, [rows, names, t]);
  return <Chart option={option} label={t("benefits.byTier")} height={360} testId="chart-benefits-tiers" />;
}

import { useMemo } from "react";
import { Chart, type ChartOption } from "../../../components/Chart";
import { useI18n } from "../../../i18n";
import { formatYuan } from "../../../lib/format";
import type { BenefitPopulation, BenefitRow } from "../../../lib/types";
import { CHART_TIERS, TIER_COLORS, useBenefitNames } from "./names";

/** The population's amounts per tier and month as stacked bars (every kind of care), the tiers that paid nothing left out. */
export function MonthlyChart({ rows, months, population }: { rows: BenefitRow[]; months: number[]; population: BenefitPopulation }) {
  const { t } = useI18n();
  const names = useBenefitNames();
  const option = useMemo<ChartOption>(() => {
    const series = CHART_TIERS.map((tier, i) => ({ tier, color: TIER_COLORS[i], row: rows.find((r) => r.tier === tier && r.care === "all" && r.population === population) }))
      .filter((s) => s.row && s.row.amount > 0);
    return {
      tooltip: { trigger: "axis", valueFormatter: (v: unknown) => (typeof v === "number" ? formatYuan(v) : String(v)) },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: months.map((month) => t("common.month", { month })) },
      yAxis: { type: "value", name: t("benefits.amount") },
      series: series.map((s) => ({
        name: names.tier(s.tier),
        type: "bar",
        stack: "tiers",
        itemStyle: { color: s.color },
        data: s.row?.monthly.amount ?? [],
      })),
    };
  }, [rows, months, population, names, t]);
  return <Chart option={option} label={`${t("benefits.monthly")} · ${names.population(population)}`} height={360} testId="chart-benefits-monthly" />;
}

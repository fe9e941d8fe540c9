import { useMemo } from "react";
import { Chart, type ChartOption } from "../../components/Chart";
import { useI18n } from "../../i18n";
import { formatYuan } from "../../lib/format";
import type { MonthSpending } from "../../lib/types";

const TIERS = ["basic", "critical_illness", "large_amount", "assistance", "other"] as const;
const COLORS = ["#1464c8", "#e8684a", "#9270ca", "#2fb67c", "#f6bd16", "#5d7092"];

/** Spending per tier and month as stacked bars, with the month's number of settlements as a line. */
export function SpendingChart({ months }: { months: MonthSpending[] }) {
  const { t } = useI18n();
  const option = useMemo<ChartOption>(() => {
    const byMonth = Array.from({ length: 12 }, (_, i) => months.find((m) => m.month === i + 1));
    return {
      color: COLORS,
      tooltip: { trigger: "axis", valueFormatter: (v: unknown) => (typeof v === "number" ? formatYuan(v) : String(v)) },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: byMonth.map((_, i) => t("common.month", { month: i + 1 })) },
      yAxis: [
        { type: "value", name: t("dashboard.amount") },
        { type: "value", name: t("dashboard.settlements"), splitLine: { show: false } },
      ],
      series: [
        ...TIERS.map((tier) => ({
          name: t(`tier.${tier}`),
          type: "bar",
          stack: "funds",
          data: byMonth.map((m) => m?.[tier] ?? 0),
        })),
        {
          name: t("dashboard.settlements"),
          type: "line",
          yAxisIndex: 1,
          smooth: true,
          tooltip: { valueFormatter: (v: unknown) => String(v) },
          data: byMonth.map((m) => m?.settlements ?? 0),
        },
      ],
    };
  }, [months, t]);
  return <Chart option={option} label={t("dashboard.spending")} height={360} testId="chart-spending" />;
}

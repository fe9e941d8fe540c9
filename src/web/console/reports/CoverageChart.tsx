import { useMemo } from "react";
import { Chart, type ChartOption } from "../../components/Chart";
import { useI18n } from "../../i18n";
import { formatPercent } from "../../lib/format";
import type { RegionCoverage } from "../../lib/types";

/** Coverage rate per region, with the rate written on each bar. */
export function CoverageChart({ rows }: { rows: RegionCoverage[] }) {
  const { t } = useI18n();
  const option = useMemo<ChartOption>(
    () => ({
      color: ["#1464c8"],
      tooltip: { trigger: "axis", valueFormatter: (v: unknown) => (typeof v === "number" ? formatPercent(v) : "—") },
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: rows.map((r) => r.admdvs_name || r.admdvs), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", name: t("dashboard.rate"), max: 100 },
      series: [
        {
          name: t("dashboard.rate"),
          type: "bar",
          data: rows.map((r) => r.rate_percent),
          label: { show: true, position: "top", formatter: ({ value }: { value: unknown }) => (typeof value === "number" ? formatPercent(value, 1) : "—") },
        },
      ],
    }),
    [rows, t],
  );
  return <Chart option={option} label={t("dashboard.coverage")} height={300} testId="chart-coverage" />;
}

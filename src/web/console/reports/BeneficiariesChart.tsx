import { useMemo } from "react";
import { Chart, type ChartOption } from "../../components/Chart";
import { useI18n } from "../../i18n";
import type { CategoryBeneficiaries } from "../../lib/types";

/** Persons who benefited, per assistance category. */
export function BeneficiariesChart({ rows }: { rows: CategoryBeneficiaries[] }) {
  const { t, tryT } = useI18n();
  const option = useMemo<ChartOption>(() => {
    const names = rows.map((r) => tryT(`categoryName.${r.category}`, r.category_name));
    return {
      color: ["#2fb67c"],
      tooltip: { trigger: "axis" },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: names, inverse: true },
      series: [{ name: t("dashboard.persons"), type: "bar", data: rows.map((r) => r.persons), label: { show: true, position: "right" } }],
    };
  }, [rows, t, tryT]);
  return <Chart option={option} label={t("dashboard.beneficiaries")} height={Math.max(220, rows.length * 36 + 40)} testId="chart-beneficiaries" />;
}

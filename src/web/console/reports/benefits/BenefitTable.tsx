import type { HTMLAttributes } from "react";
import { useMemo } from "react";
import { countColumn, moneyColumn } from "../../../components/columns";
import { DataTable } from "../../../components/DataTable";
import { useI18n } from "../../../i18n";
import type { BenefitPopulation, BenefitReport, BenefitRow } from "../../../lib/types";
import { useBenefitNames } from "./names";

interface Line extends BenefitRow {
  key: string;
  /** Rows the tier's cell spans (its first kind of care), 0 for the others. */
  span: number;
}

/**
 * One population's figures: a group of rows per tier (in the report's order), one per kind of care the tier is shown
 * under (合计 first; a payment on application has the total only), the tier's name spanning its group.
 */
export function BenefitTable({ report, population }: { report: BenefitReport; population: BenefitPopulation }) {
  const { t } = useI18n();
  const names = useBenefitNames();
  const lines = useMemo<Line[]>(
    () =>
      report.tiers.flatMap((tier) => {
        const rows = tier.cares
          .map((care) => report.rows.find((r) => r.tier === tier.tier && r.care === care && r.population === population))
          .filter((r): r is BenefitRow => r !== undefined);
        return rows.map((r, i) => ({ ...r, key: `${r.tier}:${r.care}`, span: i === 0 ? rows.length : 0 }));
      }),
    [report, population],
  );
  const populationName = names.population(population, report.populations.find((p) => p.population === population)?.name);
  return (
    <DataTable<Line>
      label={t("benefits.tableCaption", { population: populationName })}
      testId="benefits-table"
      rowTestId="benefit-row"
      rowKey="key"
      dataSource={lines}
      rowClassName={(r) => (r.care === "all" ? "row-total" : "")}
      onRow={(r) => ({ "data-tier": r.tier, "data-care": r.care }) as HTMLAttributes<HTMLElement>}
      columns={[
        {
          title: t("benefits.tier"),
          dataIndex: "tier",
          key: "tier",
          render: (_: unknown, r: Line) => names.tier(r.tier, r.tier_name),
          onCell: (r: Line) => ({ rowSpan: r.span }),
        },
        { title: t("benefits.care"), dataIndex: "care", key: "care", render: (_: unknown, r: Line) => names.care(r.care, r.care_name) },
        countColumn<Line>(t("benefits.personTimes"), "person_times"),
        countColumn<Line>(t("benefits.persons"), "persons"),
        moneyColumn<Line>(t("benefits.amount"), "amount"),
      ]}
    />
  );
}

import { Tag } from "antd";
import { countColumn, textColumn } from "../../../components/columns";
import { DataTable } from "../../../components/DataTable";
import { Loadable } from "../../../components/Loadable";
import { useI18n } from "../../../i18n";
import { getCoverage } from "../../../lib/api";
import { formatPercent } from "../../../lib/format";
import type { CoverageRow } from "../../../lib/types";
import { useApi } from "../../../lib/useApi";

/** The insured against the registered population, per region and category (应保尽保). */
export function CoverageTable({ year }: { year: number }) {
  const { t, tryT } = useI18n();
  const coverage = useApi(`coverage:${year}`, () => getCoverage(year));
  return (
    <Loadable state={coverage}>
      {(c) => (
        <DataTable<CoverageRow>
          label={t("subsidies.coverage")}
          testId="coverage-table"
          rowKey={(r) => `${r.admdvs}:${r.category}`}
          dataSource={c.rows}
          columns={[
            textColumn(t("common.region"), "admdvs_name"),
            { title: t("subsidies.category"), key: "category", render: (_: unknown, r) => tryT(`categoryName.${r.category}`, r.category_name) },
            countColumn(t("coverage.population"), "population"),
            countColumn(t("coverage.insured"), "insured"),
            countColumn(t("coverage.uninsured"), "uninsured"),
            { title: t("coverage.rate"), dataIndex: "rate_percent", key: "rate", align: "right", render: (v: number | null) => formatPercent(v) },
            { title: t("coverage.target"), dataIndex: "target_percent", key: "target", align: "right", render: (v: number | null) => formatPercent(v) },
            {
              title: t("coverage.meets"),
              dataIndex: "meets_target",
              key: "meets",
              render: (v: boolean | null) => (v === null ? "—" : <Tag color={v ? "green" : "red"}>{v ? t("common.yes") : t("common.no")}</Tag>),
            },
          ]}
        />
      )}
    </Loadable>
  );
}

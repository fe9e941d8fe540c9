import { countColumn, moneyColumn, textColumn } from "../../../components/columns";
import { DataTable } from "../../../components/DataTable";
import { Loadable } from "../../../components/Loadable";
import { useI18n } from "../../../i18n";
import { getSubsidyStatistics } from "../../../lib/api";
import type { SubsidyStatisticsRow } from "../../../lib/types";
import { useApi } from "../../../lib/useApi";

/** Contributions of a year per region and category: due, paid by the person, by assistance, by the treasury. */
export function StatisticsTable({ year }: { year: number }) {
  const { t, tryT } = useI18n();
  const stats = useApi(`subsidy-statistics:${year}`, () => getSubsidyStatistics(year));
  return (
    <Loadable state={stats}>
      {(s) => (
        <DataTable<SubsidyStatisticsRow>
          label={t("subsidies.statistics")}
          testId="subsidy-statistics"
          rowKey={(r) => `${r.admdvs}:${r.category}`}
          dataSource={s.rows}
          rowClassName={(r) => (r.category === "all" ? "row-total" : "")}
          columns={[
            textColumn(t("common.region"), "admdvs_name"),
            { title: t("subsidies.category"), key: "category", render: (_: unknown, r) => tryT(`categoryName.${r.category}`, r.category_name) },
            countColumn(t("subsidies.persons"), "persons"),
            countColumn(t("subsidies.personsSubsidized"), "persons_subsidized"),
            moneyColumn(t("contribution.individual"), "individual"),
            moneyColumn(t("contribution.person_paid"), "person_paid"),
            moneyColumn(t("contribution.assistance_subsidy"), "assistance_subsidy"),
            moneyColumn(t("contribution.fiscal_subsidy"), "fiscal_subsidy"),
          ]}
        />
      )}
    </Loadable>
  );
}

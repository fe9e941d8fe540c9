import { CodeTag, STATUS_COLORS } from "../../../components/CodeTag";
import { dateTimeColumn, moneyColumn, textColumn } from "../../../components/columns";
import { DataTable } from "../../../components/DataTable";
import { useI18n } from "../../../i18n";
import { Link } from "../../../lib/router";
import type { WarningSettlement } from "../../../lib/types";
import { settlementPath } from "../../paths";

/** The settlements behind the warning's figures, each a link to its settlement page. */
export function WarningSettlements({ settlements }: { settlements: WarningSettlement[] }) {
  const { t } = useI18n();
  return (
    <DataTable<WarningSettlement>
      label={t("warning.settlements")}
      testId="warning-settlements"
      rowTestId="warning-settlement-row"
      rowKey="setl_id"
      dataSource={settlements}
      columns={[
        {
          title: t("setl.setl_id"),
          dataIndex: "setl_id",
          key: "setl_id",
          render: (id: string) => (
            <Link to={settlementPath(id)} data-testid="warning-settlement-link">
              {id}
            </Link>
          ),
        },
        dateTimeColumn(t("setl.setl_time"), "setl_time"),
        textColumn(t("setl.fixmedins_name"), "fixmedins_name"),
        textColumn(t("setl.med_type_name"), "med_type_name"),
        moneyColumn(t("split.medfee_sumamt"), "medfee_sumamt"),
        moneyColumn(t("warning.selfPaid"), "self_paid"),
        { title: t("common.status"), dataIndex: "status", key: "status", render: (s: string) => <CodeTag prefix="setlStatus" code={s} color={STATUS_COLORS} /> },
      ]}
    />
  );
}

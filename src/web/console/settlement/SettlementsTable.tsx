import { useState } from "react";
import { CodeTag, STATUS_COLORS } from "../../components/CodeTag";
import { dateTimeColumn, moneyColumn, textColumn } from "../../components/columns";
import { DataTable, pagingOf } from "../../components/DataTable";
import { ErrorView } from "../../components/ErrorView";
import { useI18n } from "../../i18n";
import { listSettlements } from "../../lib/api";
import { Link, navigate } from "../../lib/router";
import type { SettlementListItem, SettlementQuery } from "../../lib/types";
import { useApi } from "../../lib/useApi";
import { settlementPath } from "../paths";

const PAGE_SIZE = 20;

/** Settlements matching a filter, paged by the server; each opens its settlement page. */
export function SettlementsTable({ filter, label, showPerson = true }: { filter: Omit<SettlementQuery, "page" | "page_size">; label: string; showPerson?: boolean }) {
  const { t } = useI18n();
  const [paging, setPaging] = useState({ key: "", page: 1 });
  const filterKey = JSON.stringify(filter);
  // A new filter starts again at its first page.
  const page = paging.key === filterKey ? paging.page : 1;
  const found = useApi(`settlements:${filterKey}:${page}`, () => listSettlements({ ...filter, page, page_size: PAGE_SIZE }));

  if (found.error) return <ErrorView error={found.error} onRetry={found.reload} />;
  return (
    <DataTable<SettlementListItem>
      label={label}
      testId="settlements-table"
      rowTestId="settlement-row"
      rowKey="setl_id"
      loading={found.loading}
      dataSource={found.data?.items}
      pagination={pagingOf(t, found.data, (p) => setPaging({ key: filterKey, page: p }))}
      onRow={(r) => ({ onClick: () => navigate(settlementPath(r.setl_id)), style: { cursor: "pointer" } })}
      columns={[
        {
          title: t("setl.setl_id"),
          dataIndex: "setl_id",
          key: "setl_id",
          render: (id: string) => (
            <Link to={settlementPath(id)} onClick={(e) => e.stopPropagation()} data-testid="settlement-link">
              {id}
            </Link>
          ),
        },
        dateTimeColumn(t("setl.setl_time"), "setl_time"),
        ...(showPerson ? [textColumn<SettlementListItem>(t("setl.psn_name"), "psn_name")] : []),
        textColumn(t("setl.fixmedins_name"), "fixmedins_name"),
        textColumn(t("setl.med_type_name"), "med_type_name"),
        moneyColumn(t("split.medfee_sumamt"), "medfee_sumamt"),
        moneyColumn(t("split.hifp_pay"), "hifp_pay"),
        moneyColumn(t("split.hifmi_pay"), "hifmi_pay"),
        moneyColumn(t("split.hifob_pay"), "hifob_pay"),
        moneyColumn(t("split.maf_pay"), "maf_pay"),
        moneyColumn(t("split.fund_pay_sumamt"), "fund_pay_sumamt"),
        moneyColumn(t("split.acct_pay"), "acct_pay"),
        moneyColumn(t("split.psn_cash_pay"), "psn_cash_pay"),
        {
          title: t("common.status"),
          dataIndex: "status",
          key: "status",
          render: (s: string) => <CodeTag prefix="setlStatus" code={s} color={STATUS_COLORS} />,
        },
      ]}
    />
  );
}

import { Flex, Tag } from "antd";
import { useState } from "react";
import { CodeTag } from "../../../components/CodeTag";
import { dateColumn, dateTimeColumn, moneyColumn, textColumn } from "../../../components/columns";
import { DataTable, pagingOf } from "../../../components/DataTable";
import { ErrorView } from "../../../components/ErrorView";
import { useI18n } from "../../../i18n";
import { listWarnings } from "../../../lib/api";
import { Link } from "../../../lib/router";
import type { WarningQuery, WarningSummary } from "../../../lib/types";
import { useApi } from "../../../lib/useApi";
import { personPath, warningPath } from "../../paths";
import { WARNING_STATE_COLORS } from "./colors";

const PAGE_SIZE = 20;

/**
 * Warnings matching a filter, newest first, paged by the server: who, where, the state, the thresholds that hold, and
 * the figures in yuan. Each opens the warning's page. On a person's page the person's own columns are left out.
 */
export function WarningsTable({ filter, label, showPerson = true }: { filter: Omit<WarningQuery, "page" | "page_size">; label: string; showPerson?: boolean }) {
  const { t, tryT } = useI18n();
  const [paging, setPaging] = useState({ key: "", page: 1 });
  const filterKey = JSON.stringify(filter);
  const page = paging.key === filterKey ? paging.page : 1;
  const found = useApi(`warnings:${filterKey}:${page}`, () => listWarnings({ ...filter, page, page_size: PAGE_SIZE }));

  if (found.error) return <ErrorView error={found.error} onRetry={found.reload} />;
  return (
    <DataTable<WarningSummary>
      label={label}
      testId="warnings-table"
      rowTestId="warning-row"
      rowKey="id"
      loading={found.loading}
      dataSource={found.data?.items}
      pagination={pagingOf(t, found.data, (p) => setPaging({ key: filterKey, page: p }))}
      locale={{ emptyText: t("warnings.none") }}
      columns={[
        {
          title: t("warnings.id"),
          dataIndex: "id",
          key: "id",
          render: (id: number) => (
            <Link to={warningPath(id)} data-testid="warning-link">
              {id}
            </Link>
          ),
        },
        ...(showPerson
          ? [
              {
                title: t("field.psn_name"),
                dataIndex: "psn_name",
                key: "psn_name",
                render: (name: string, w: WarningSummary) => <Link to={personPath(w.psn_no)}>{name}</Link>,
              },
              textColumn<WarningSummary>(t("field.certno"), "certno"),
            ]
          : []),
        { title: t("field.insuplc_admdvs"), dataIndex: "admdvs_name", key: "admdvs", render: (name: string, w) => `${name}（${w.admdvs}）` },
        {
          title: t("common.status"),
          dataIndex: "state",
          key: "state",
          render: (s: string, w) => (
            <Flex gap={4} wrap>
              <CodeTag prefix="warningState" code={s} fallback={w.state_name} color={WARNING_STATE_COLORS} />
              {w.below_threshold ? <Tag>{t("warnings.belowTag")}</Tag> : null}
            </Flex>
          ),
        },
        {
          title: t("warnings.criteria"),
          dataIndex: "criteria",
          key: "criteria",
          render: (criteria: string[], w) => (
            <Flex gap={4} wrap>
              {criteria.map((c, i) => (
                <Tag key={c} color="orange">
                  {tryT(`warningCriterion.${c}`, w.criteria_names[i] ?? c)}
                </Tag>
              ))}
            </Flex>
          ),
        },
        {
          title: t("warnings.category"),
          dataIndex: "category",
          key: "category",
          render: (c: string | null, w) => (c ? tryT(`categoryName.${c}`, w.category_name ?? c) : w.proactive ? <Tag color="red">{t("warnings.proactiveTag")}</Tag> : "—"),
        },
        moneyColumn(t("warnings.windowSelfPaid"), "window_self_paid"),
        moneyColumn(t("warnings.maxSingle"), "max_single_self_paid"),
        moneyColumn(t("warnings.householdIncome"), "household_income"),
        textColumn(t("warnings.settlementCount"), "settlement_count", { align: "right" }),
        dateColumn(t("warnings.checkDate"), "window_to"),
        dateTimeColumn(t("warnings.updatedAt"), "updated_at"),
      ]}
    />
  );
}

import { Flex } from "antd";
import { useState } from "react";
import { CodeTag } from "../../../components/CodeTag";
import { dateColumn, dateTimeColumn, moneyColumn, textColumn } from "../../../components/columns";
import { DataTable, pagingOf } from "../../../components/DataTable";
import { ErrorView } from "../../../components/ErrorView";
import { useI18n } from "../../../i18n";
import { listApplications } from "../../../lib/api";
import { Link } from "../../../lib/router";
import type { ApplicationQuery, AssistanceApplication } from "../../../lib/types";
import { useApi } from "../../../lib/useApi";
import { applicationPath, personPath, warningPath } from "../../paths";
import { APPLICATION_STATE_COLORS } from "./colors";

const PAGE_SIZE = 20;

/**
 * Applications for assistance matching a filter, newest first, paged by the server: the kind, the state, the base and
 * the amount (as filed, then as approved), and where it came from. Each opens the application's page.
 */
export function ApplicationsTable({ filter, label, showPerson = true }: { filter: Omit<ApplicationQuery, "page" | "page_size">; label: string; showPerson?: boolean }) {
  const { t, tryT } = useI18n();
  const [paging, setPaging] = useState({ key: "", page: 1 });
  const filterKey = JSON.stringify(filter);
  const page = paging.key === filterKey ? paging.page : 1;
  const found = useApi(`applications:${filterKey}:${page}`, () => listApplications({ ...filter, page, page_size: PAGE_SIZE }));

  if (found.error) return <ErrorView error={found.error} onRetry={found.reload} />;
  return (
    <DataTable<AssistanceApplication>
      label={label}
      testId="applications-table"
      rowTestId="application-row"
      rowKey="application_id"
      loading={found.loading}
      dataSource={found.data?.items}
      pagination={pagingOf(t, found.data, (p) => setPaging({ key: filterKey, page: p }))}
      locale={{ emptyText: t("assistance.none") }}
      columns={[
        {
          title: t("assistance.id"),
          dataIndex: "application_id",
          key: "application_id",
          render: (id: string) => (
            <Link to={applicationPath(id)} data-testid="application-link">
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
                render: (name: string, a: AssistanceApplication) => <Link to={personPath(a.psn_no)}>{name}</Link>,
              },
              textColumn<AssistanceApplication>(t("field.certno"), "certno"),
              { title: t("field.insuplc_admdvs"), dataIndex: "admdvs_name", key: "admdvs", render: (name: string, a: AssistanceApplication) => `${name}（${a.admdvs}）` },
            ]
          : []),
        { title: t("assistance.kind"), dataIndex: "kind", key: "kind", render: (k: string, a) => <CodeTag prefix="assistanceKind" code={k} fallback={a.kind_name} /> },
        dateColumn(t("assistance.date"), "application_date"),
        {
          title: t("common.status"),
          dataIndex: "state",
          key: "state",
          render: (s: string, a) => (
            <span data-testid="application-state" data-state={s}>
              <CodeTag prefix="applicationState" code={s} fallback={a.state_name} color={APPLICATION_STATE_COLORS} />
            </span>
          ),
        },
        moneyColumn(t("assistance.base"), "base"),
        moneyColumn(t("assistance.amount"), "amount"),
        dateTimeColumn(t("assistance.paidAt"), "paid_at"),
        {
          title: t("assistance.filedVia"),
          dataIndex: "filed_via",
          key: "filed_via",
          render: (via: string, a) => (
            <Flex vertical gap={2}>
              <span>{tryT(`filedVia.${via}`, via)}</span>
              {a.warning_id !== null ? <Link to={warningPath(a.warning_id)}>{t("assistance.fromWarning", { id: a.warning_id })}</Link> : null}
            </Flex>
          ),
        },
        textColumn(t("assistance.filedBy"), "filed_by"),
        dateTimeColumn(t("assistance.createdAt"), "created_at"),
      ]}
    />
  );
}

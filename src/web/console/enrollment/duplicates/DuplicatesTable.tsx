import { Button, Flex } from "antd";
import { CodeTag, STATUS_COLORS } from "../../../components/CodeTag";
import { dateTimeColumn, textColumn } from "../../../components/columns";
import { DataTable, pagingOf } from "../../../components/DataTable";
import { useI18n } from "../../../i18n";
import { Link } from "../../../lib/router";
import type { DuplicateCase, Paged } from "../../../lib/types";
import { personPath } from "../../paths";
import { CaseEnrollments } from "./CaseEnrollments";
import { Resolution } from "./Resolution";

interface Props {
  page: Paged<DuplicateCase> | undefined;
  items: DuplicateCase[];
  loading: boolean;
  /** Whether the user may resolve (clerks and administrators). */
  actions: boolean;
  busyId: number | null;
  onPage(page: number): void;
  onRule(item: DuplicateCase): void;
  onClerk(item: DuplicateCase): void;
}

export function DuplicatesTable({ page, items, loading, actions, busyId, onPage, onRule, onClerk }: Props) {
  const { t } = useI18n();
  return (
    <DataTable<DuplicateCase>
      label={t("duplicates.list")}
      testId="duplicates-table"
      rowTestId="duplicate-row"
      rowKey="id"
      loading={loading}
      dataSource={items}
      pagination={pagingOf(t, page, onPage)}
      expandable={{ expandedRowRender: (item) => <CaseEnrollments item={item} /> }}
      columns={[
        textColumn("ID", "id"),
        {
          title: t("field.psn_name"),
          dataIndex: "psn_name",
          key: "psn_name",
          render: (name: string, r) => <Link to={personPath(r.psn_no)}>{name}</Link>,
        },
        textColumn(t("field.certno"), "certno"),
        textColumn(t("common.year"), "year"),
        { title: t("duplicates.kind"), dataIndex: "kind", key: "kind", render: (k: string, r) => <CodeTag prefix="duplicateKind" code={k} fallback={r.kind_name} /> },
        { title: t("duplicates.foundBy"), dataIndex: "found_by", key: "found_by", render: (f: string) => <CodeTag prefix="foundBy" code={f} /> },
        dateTimeColumn(t("duplicates.foundAt"), "found_at"),
        { title: t("common.status"), dataIndex: "status", key: "status", render: (s: string) => <CodeTag prefix="duplicateStatus" code={s} color={STATUS_COLORS} /> },
        { title: t("duplicates.resolution"), key: "resolution", render: (_: unknown, r) => <Resolution item={r} /> },
        ...(actions
          ? [
              {
                title: t("common.actions"),
                key: "actions",
                render: (_: unknown, r: DuplicateCase) =>
                  r.status === "open" ? (
                    <Flex gap="small" wrap>
                      <Button size="small" type="primary" loading={busyId === r.id} onClick={() => onRule(r)} data-testid="duplicate-resolve">
                        {t("duplicates.resolveRule")}
                      </Button>
                      <Button size="small" onClick={() => onClerk(r)} data-testid="duplicate-resolve-clerk">
                        {t("duplicates.resolveClerk")}
                      </Button>
                    </Flex>
                  ) : null,
              },
            ]
          : []),
      ]}
    />
  );
}

import { CodeTag, STATUS_COLORS } from "../../../components/CodeTag";
import { dateColumn, textColumn } from "../../../components/columns";
import { DataTable } from "../../../components/DataTable";
import { useI18n } from "../../../i18n";
import type { Enrollment } from "../../../lib/types";
import { ContributionsTable } from "./ContributionsTable";

/** The person's enrollments; each expands to its contributions (the latest year's are open from the start). */
export function EnrollmentsTable({ enrollments }: { enrollments: Enrollment[] }) {
  const { t, tryT } = useI18n();
  const latest = Math.max(...enrollments.map((e) => e.year));
  return (
    <DataTable<Enrollment>
      label={t("person.enrollments")}
      testId="person-enrollments"
      rowTestId="enrollment-row"
      rowKey="id"
      dataSource={[...enrollments].sort((a, b) => b.year - a.year || a.insutype.localeCompare(b.insutype))}
      expandable={{
        expandedRowRender: (e) => <ContributionsTable enrollmentId={e.id} />,
        defaultExpandedRowKeys: enrollments.filter((e) => e.year === latest).map((e) => e.id),
      }}
      columns={[
        textColumn(t("common.year"), "year"),
        { title: t("enrollment.insutype"), dataIndex: "insutype", key: "insutype", render: (code: string, e) => tryT(`insutype.${code}`, e.insutype_name) },
        textColumn(t("enrollment.admdvs"), "admdvs"),
        { title: t("enrollment.status"), dataIndex: "status", key: "status", render: (s: string) => <CodeTag prefix="enrollmentStatus" code={s} color={STATUS_COLORS} /> },
        dateColumn(t("enrollment.psn_insu_date"), "psn_insu_date"),
        dateColumn(t("enrollment.enddate"), "enddate"),
        textColumn(t("enrollment.end_reason"), "end_reason"),
      ]}
    />
  );
}

import { Tag } from "antd";
import { CodeTag, STATUS_COLORS } from "../../../components/CodeTag";
import { dateColumn, textColumn } from "../../../components/columns";
import { DataTable } from "../../../components/DataTable";
import { useI18n } from "../../../i18n";
import type { DuplicateCase } from "../../../lib/types";

type CaseEnrollment = DuplicateCase["enrollments"][number];

/** The case's enrollments as they are now, the kept one marked. */
export function CaseEnrollments({ item }: { item: DuplicateCase }) {
  const { t, tryT } = useI18n();
  return (
    <DataTable<CaseEnrollment>
      label={`${t("duplicates.enrollments")} ${item.id}`}
      rowKey="id"
      size="small"
      dataSource={item.enrollments}
      columns={[
        {
          title: "ID",
          dataIndex: "id",
          key: "id",
          render: (id: number) => (
            <>
              {id} {id === item.kept_enrollment_id ? <Tag color="green">{t("duplicates.keptTag")}</Tag> : null}
            </>
          ),
        },
        { title: t("enrollment.insutype"), dataIndex: "insutype", key: "insutype", render: (c: string) => tryT(`insutype.${c}`, c) },
        textColumn(t("enrollment.admdvs"), "admdvs"),
        { title: t("enrollment.status"), dataIndex: "status", key: "status", render: (s: string) => <CodeTag prefix="enrollmentStatus" code={s} color={STATUS_COLORS} /> },
        dateColumn(t("enrollment.psn_insu_date"), "psn_insu_date"),
        dateColumn(t("enrollment.enddate"), "enddate"),
        textColumn(t("enrollment.end_reason"), "end_reason"),
      ]}
    />
  );
}

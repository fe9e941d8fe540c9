import { Tag } from "antd";
import { dateColumn } from "../../../components/columns";
import { DataTable } from "../../../components/DataTable";
import { useI18n } from "../../../i18n";
import type { PersonCategory } from "../../../lib/types";

export function CategoriesTable({ categories }: { categories: PersonCategory[] }) {
  const { t, tryT } = useI18n();
  return (
    <DataTable<PersonCategory>
      label={t("person.categories")}
      testId="person-categories"
      rowKey={(c) => `${c.psn_idet_type}:${c.begntime}`}
      dataSource={categories}
      locale={{ emptyText: t("person.noCategories") }}
      columns={[
        { title: t("category.name"), dataIndex: "psn_idet_type", key: "name", render: (code: string, c) => tryT(`categoryName.${code}`, c.name) },
        dateColumn(t("category.begntime"), "begntime"),
        dateColumn(t("category.endtime"), "endtime"),
        {
          title: t("category.in_force"),
          dataIndex: "in_force",
          key: "in_force",
          render: (v: boolean) => <Tag color={v ? "green" : "default"}>{v ? t("common.yes") : t("common.no")}</Tag>,
        },
      ]}
    />
  );
}

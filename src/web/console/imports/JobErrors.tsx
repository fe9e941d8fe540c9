import { DownloadOutlined } from "@ant-design/icons";
import { Button, Flex, Typography } from "antd";
import { DataTable } from "../../components/DataTable";
import { useI18n } from "../../i18n";
import { downloadCsv } from "../../lib/csv";
import type { ImportJob, RejectedRow } from "../../lib/types";

/** The rows the import refused, with row number, field and reason; downloadable as CSV to fix and send again. */
export function JobErrors({ job }: { job: ImportJob }) {
  const { t } = useI18n();
  const header = [t("imports.errorRow"), t("imports.errorField"), t("imports.errorReason")];
  const download = () =>
    downloadCsv(`${job.file_name.replace(/\.[^.]+$/, "")}.report.csv`, header, job.rejected.map((r) => [r.row, r.field, r.reason]));
  return (
    <Flex vertical gap="small">
      <Flex justify="space-between" align="center" wrap gap="small">
        <Typography.Text>
          {t("imports.rejected")}：{job.progress.rejected_rows}
          {job.rejected_listed_all ? null : ` ${t("imports.listedFirst", { count: job.rejected.length })}`}
        </Typography.Text>
        <Button icon={<DownloadOutlined aria-hidden />} onClick={download} disabled={job.rejected.length === 0} data-testid="import-errors-download">
          {t("common.downloadCsv")}
        </Button>
      </Flex>
      <DataTable<RejectedRow>
        label={t("imports.errors")}
        testId="import-errors"
        rowTestId="import-error-row"
        rowKey={(r) => `${r.row}:${r.field}:${r.reason}`}
        dataSource={job.rejected}
        locale={{ emptyText: t("imports.noErrors") }}
        pagination={job.rejected.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
        columns={[
          { title: t("imports.errorRow"), dataIndex: "row", key: "row", align: "right", width: 80 },
          { title: t("imports.errorField"), dataIndex: "field", key: "field" },
          { title: t("imports.errorReason"), dataIndex: "reason", key: "reason" },
        ]}
      />
    </Flex>
  );
}

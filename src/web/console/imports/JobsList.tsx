import { Button } from "antd";
import { CodeTag, STATUS_COLORS } from "../../components/CodeTag";
import { countColumn, dateTimeColumn, textColumn } from "../../components/columns";
import { DataTable } from "../../components/DataTable";
import { ErrorView } from "../../components/ErrorView";
import { useI18n } from "../../i18n";
import type { ImportJob } from "../../lib/types";
import type { Loaded } from "../../lib/useApi";

/** Recent import jobs; "view" opens one's counts and error report. */
export function JobsList({ jobs, onOpen }: { jobs: Loaded<{ items: ImportJob[] }>; onOpen(job: ImportJob): void }) {
  const { t } = useI18n();
  if (jobs.error) return <ErrorView error={jobs.error} onRetry={jobs.reload} />;
  return (
    <DataTable<ImportJob>
      label={t("imports.recent")}
      testId="import-jobs"
      rowTestId="import-job-row"
      rowKey="id"
      loading={jobs.loading}
      dataSource={jobs.data?.items}
      pagination={{ pageSize: 10, showSizeChanger: false, hideOnSinglePage: true }}
      columns={[
        textColumn(t("imports.fileName"), "file_name"),
        { title: t("imports.kind"), dataIndex: "kind", key: "kind", render: (k: string) => <CodeTag prefix="importKind" code={k} /> },
        { title: t("common.status"), dataIndex: "status", key: "status", render: (s: string) => <CodeTag prefix="jobStatus" code={s} color={STATUS_COLORS} /> },
        countColumn(t("imports.read"), ["progress", "read"]),
        countColumn(t("imports.inserted"), ["progress", "inserted"]),
        countColumn(t("imports.updated"), ["progress", "updated"]),
        countColumn(t("imports.unchanged"), ["progress", "unchanged"]),
        countColumn(t("imports.older"), ["progress", "older"]),
        countColumn(t("imports.rejected"), ["progress", "rejected_rows"]),
        textColumn(t("imports.user"), "username"),
        dateTimeColumn(t("imports.startedAt"), "started_at"),
        dateTimeColumn(t("imports.finishedAt"), "finished_at"),
        {
          title: t("common.actions"),
          key: "open",
          render: (_: unknown, job) => (
            <Button size="small" onClick={() => onOpen(job)} aria-label={`${t("common.view")} ${job.file_name}`}>
              {t("common.view")}
            </Button>
          ),
        },
      ]}
    />
  );
}

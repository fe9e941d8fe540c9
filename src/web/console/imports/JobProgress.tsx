import { Alert, Col, Progress, Row, Spin, Statistic } from "antd";
import { CodeTag, STATUS_COLORS } from "../../components/CodeTag";
import { useI18n } from "../../i18n";
import type { ImportJob } from "../../lib/types";

/** The job's counts as they grow; a spinner while it runs, a full bar when done, the error when it failed. */
export function JobProgress({ job }: { job: ImportJob }) {
  const { t } = useI18n();
  const p = job.progress;
  const counts = [
    { key: "read", value: p.read },
    { key: "inserted", value: p.inserted },
    { key: "updated", value: p.updated },
    { key: "unchanged", value: p.unchanged },
    { key: "older", value: p.older },
    { key: "rejected", value: p.rejected_rows },
  ] as const;
  return (
    <div data-testid="import-job" data-status={job.status}>
      <div role="status" aria-live="polite" className="job-status">
        <CodeTag prefix="jobStatus" code={job.status} color={STATUS_COLORS} />
        {job.status === "running" || job.status === "queued" ? <Spin size="small" /> : null}
      </div>
      <Row gutter={[16, 8]} style={{ marginTop: 12 }}>
        {counts.map((c) => (
          <Col key={c.key} xs={12} sm={8} md={4} xl={3}>
            <Statistic title={t(`imports.${c.key}`)} value={c.value} data-testid={`import-count-${c.key}`} />
          </Col>
        ))}
      </Row>
      <Progress
        percent={job.status === "done" ? 100 : Math.floor(p.fraction * 100)}
        status={job.status === "running" || job.status === "queued" ? "active" : job.status === "failed" ? "exception" : "success"}
        aria-label={t("imports.fileRead")}
        data-testid="import-job-progress"
      />
      {job.attempts > 1 && job.status !== "failed" ? <Alert type="info" showIcon title={t("imports.resumed", { attempts: job.attempts })} /> : null}
      {job.error ? <Alert type="error" showIcon role="alert" title={t("jobStatus.failed")} description={job.error} /> : null}
    </div>
  );
}

import { useEffect, useState } from "react";
import { Loadable } from "../../components/Loadable";
import { Page, Section } from "../../components/Page";
import { useI18n } from "../../i18n";
import { listImportJobs } from "../../lib/api";
import type { ImportJob } from "../../lib/types";
import { useApi } from "../../lib/useApi";
import { JobErrors } from "./JobErrors";
import { JobProgress } from "./JobProgress";
import { JobsList } from "./JobsList";
import { UploadForm } from "./UploadForm";
import { jobOpen, useImportJob } from "./useImportJob";

/** Upload a file (roster, persons, population, hospitals, catalogue, a supplementary tier's roster), follow the job, read its error report. */
export default function ImportsPage() {
  const { t } = useI18n();
  const [opened, setOpened] = useState<ImportJob | null>(null);
  const job = useImportJob(opened?.id ?? null);
  const jobs = useApi("import-jobs", listImportJobs);

  // The list shows the opened job's final counts once it has finished.
  const finished = job.data !== undefined && !jobOpen(job.data);
  const { reload } = jobs;
  useEffect(() => {
    if (finished) reload();
  }, [finished, reload]);

  return (
    <Page title={t("imports.title")}>
      <Section title={t("imports.new")}>
        <UploadForm
          onStarted={(started) => {
            setOpened(started);
            jobs.reload();
          }}
        />
      </Section>
      {opened ? (
        <Section title={t("imports.job", { id: opened.id, name: opened.file_name })} testId="import-job-section">
          <Loadable state={job}>
            {(j) => (
              <>
                <JobProgress job={j} />
                {jobOpen(j) ? null : <JobErrors job={j} />}
              </>
            )}
          </Loadable>
        </Section>
      ) : null}
      <Section title={t("imports.recent")}>
        <JobsList jobs={jobs} onOpen={setOpened} />
      </Section>
    </Page>
  );
}

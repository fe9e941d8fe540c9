import { useEffect } from "react";
import { getImportJob } from "../../lib/api";
import type { ImportJob } from "../../lib/types";
import { useApi } from "../../lib/useApi";

const POLL_MS = 1000;

/** Whether a job has yet to end: waiting for a worker, or being imported. */
export const jobOpen = (job: ImportJob | undefined): boolean => job?.status === "queued" || job?.status === "running";

/** A job, asked again every second until it ends. */
export function useImportJob(id: ImportJob["id"] | null) {
  const job = useApi(id === null ? null : `import-job:${id}`, () => getImportJob(id ?? 0));
  const { data, reload } = job;
  const running = jobOpen(data) && String(data?.id) === String(id);
  useEffect(() => {
    if (!running) return;
    const timer = window.setTimeout(reload, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [running, data, reload]);
  return job;
}

import { UploadOutlined } from "@ant-design/icons";
import { Alert, Button, DatePicker, Progress, Select } from "antd";
import type { Dayjs } from "dayjs";
import { useRef, useState } from "react";
import { ErrorView } from "../../components/ErrorView";
import { Field, FilterBar } from "../../components/Field";
import { OptionalSelect } from "../../components/OptionalSelect";
import { useI18n } from "../../i18n";
import { startImport } from "../../lib/api";
import { IMPORT_KINDS, ROSTER_SOURCES, type ImportJob, type ImportKind, type RosterSource } from "../../lib/types";

const ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** Chooses what to import and the file, then uploads it with a progress bar; the server answers with a job. */
export function UploadForm({ onStarted }: { onStarted(job: ImportJob): void }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<ImportKind>("roster");
  // The file says its department by default (a roster may mix both); choosing one checks every row against it.
  const [source, setSource] = useState<RosterSource | undefined>(undefined);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [missingFile, setMissingFile] = useState(false);
  // A persons file's date: rows older than the facts on record are kept out (none: the time of the import).
  const [asOf, setAsOf] = useState<Dayjs | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const upload = async () => {
    if (!file) {
      setMissingFile(true);
      input.current?.focus();
      return;
    }
    setError(undefined);
    setProgress(0);
    try {
      const job = await startImport(kind, file, kind === "roster" ? source : undefined, setProgress, kind === "persons" && asOf ? asOf.format("YYYY-MM-DD") : undefined).done;
      onStarted(job);
      setFile(null);
      if (input.current) input.current.value = "";
    } catch (e) {
      setError(e);
    } finally {
      setProgress(null);
    }
  };

  return (
    <>
      <FilterBar label={t("imports.new")} onSubmit={() => void upload()}>
        <Field label={t("imports.kind")} htmlFor="import-kind">
          <Select<ImportKind>
            id="import-kind"
            value={kind}
            onChange={setKind}
            className="select-wide"
            data-testid="import-kind"
            options={IMPORT_KINDS.map((k) => ({ value: k, label: t(`importKind.${k}`) }))}
          />
        </Field>
        {kind === "roster" ? (
          <Field label={t("imports.source")} htmlFor="import-source">
            <OptionalSelect<RosterSource>
              id="import-source"
              value={source}
              onChange={setSource}
              noneLabel={t("imports.sourceFromFile")}
              options={ROSTER_SOURCES.map((s) => ({ value: s, label: t(`source.${s}`) }))}
            />
          </Field>
        ) : null}
        {kind === "persons" ? (
          <Field label={t("imports.asOf")} htmlFor="import-as-of">
            <DatePicker id="import-as-of" value={asOf} onChange={setAsOf} title={t("imports.asOfHint")} data-testid="import-as-of" />
          </Field>
        ) : null}
        <Field label={t("imports.file")} htmlFor="import-file">
          <input
            ref={input}
            id="import-file"
            type="file"
            accept={ACCEPT}
            className="file-input"
            aria-invalid={missingFile || undefined}
            aria-describedby={missingFile ? "import-file-missing" : undefined}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setMissingFile(false);
            }}
            data-testid="import-file"
          />
        </Field>
        <Button type="primary" htmlType="submit" icon={<UploadOutlined aria-hidden />} loading={progress !== null} data-testid="import-submit">
          {t("imports.upload")}
        </Button>
      </FilterBar>
      {missingFile ? <Alert id="import-file-missing" type="warning" showIcon role="alert" title={t("imports.chooseFile")} /> : null}
      {progress !== null && file ? (
        <div role="status" aria-live="polite">
          <span className="sr-only">{t("imports.uploading", { name: file.name })}</span>
          <Progress percent={Math.round(progress * 100)} status="active" aria-label={t("imports.uploading", { name: file.name })} data-testid="import-upload-progress" />
        </div>
      ) : null}
      {error !== undefined ? <ErrorView error={error} /> : null}
    </>
  );
}

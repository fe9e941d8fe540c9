import { UploadOutlined } from "@ant-design/icons";
import { Alert, Button, Input, Progress, Select, Tag, Typography } from "antd";
import { useRef, useState } from "react";
import { countColumn, textColumn } from "../../components/columns";
import { DataTable } from "../../components/DataTable";
import { ErrorView } from "../../components/ErrorView";
import { Field, FilterBar } from "../../components/Field";
import { Loadable } from "../../components/Loadable";
import { Page, Section } from "../../components/Page";
import { useI18n } from "../../i18n";
import { getMatchingOverview, listMatching, listUnmatched, uploadMatching } from "../../lib/api";
import { useUser } from "../../lib/auth";
import type { Matching, MatchingHospital, MatchingImportResult, UnmatchedCode } from "../../lib/types";
import { useApi } from "../../lib/useApi";

const ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PAGE_SIZE = 50;

/**
 * 目录对照: each hospital the user may see with its matched and unmatched codes; a chosen hospital's matching (with its
 * history) and the codes it sent that found no matching. Clerks and administrators upload a hospital's matching file.
 */
export default function MatchingPage() {
  const { t } = useI18n();
  const me = useUser();
  const overview = useApi("matching:overview", getMatchingOverview);
  const [chosen, setChosen] = useState<string | null>(me.role === "hospital" ? me.fixmedins_code : null);
  return (
    <Page title={t("matching.title")}>
      <Section title={t("matching.hospitals")}>
        <Loadable state={overview}>
          {(o) => (
            <DataTable<MatchingHospital>
              label={t("matching.hospitals")}
              testId="matching-hospitals"
              rowTestId="matching-hospital-row"
              rowKey="fixmedins_code"
              dataSource={o.items}
              pagination={o.items.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
              rowClassName={(h) => (h.fixmedins_code === chosen ? "ant-table-row-selected" : "")}
              columns={[
                textColumn(t("hospital.code"), "fixmedins_code"),
                textColumn(t("hospital.name"), "fixmedins_name"),
                { title: t("common.region"), dataIndex: "admdvs_name", key: "admdvs", render: (name: string, h) => `${name}（${h.admdvs}）` },
                countColumn(t("matching.matched"), "matched"),
                countColumn(t("matching.unmatched"), "unmatched"),
                {
                  title: t("common.details"),
                  key: "open",
                  render: (_: unknown, h: MatchingHospital) => (
                    <Button size="small" onClick={() => setChosen(h.fixmedins_code)} aria-label={t("matching.openAria", { name: h.fixmedins_name })} data-testid="matching-open">
                      {t("matching.open")}
                    </Button>
                  ),
                },
              ]}
            />
          )}
        </Loadable>
      </Section>
      {chosen ? <HospitalMatching key={chosen} code={chosen} name={overview.data?.items.find((h) => h.fixmedins_code === chosen)?.fixmedins_name ?? chosen} onChanged={overview.reload} /> : null}
    </Page>
  );
}

function HospitalMatching({ code, name, onChanged }: { code: string; name: string; onChanged(): void }) {
  const { t } = useI18n();
  const me = useUser();
  const [search, setSearch] = useState("");
  const [applied, setApplied] = useState("");
  const [valid, setValid] = useState<"1" | "0" | "all">("1");
  const [page, setPage] = useState(1);
  const [generation, setGeneration] = useState(0);
  const matching = useApi(`matching:${code}:${applied}:${valid}:${page}:${generation}`, () =>
    listMatching(code, { ...(applied ? { search: applied } : {}), ...(valid === "all" ? {} : { vali_flag: valid }), page, page_size: PAGE_SIZE }));
  const unmatched = useApi(`unmatched:${code}:${generation}`, () => listUnmatched(code));
  const changed = () => {
    setGeneration((g) => g + 1);
    onChanged();
  };
  const statusColor = { active: "green", cancelled: "red", replaced: "default" } as const;
  return (
    <>
      {me.role === "admin" || me.role === "clerk" ? (
        <Section title={t("matching.upload", { name })}>
          <MatchingUpload code={code} onDone={changed} />
        </Section>
      ) : null}
      <Section
        title={t("matching.listTitle", { name })}
        testId="matching-list"
        extra={
          <FilterBar label={t("common.filters")} onSubmit={() => { setApplied(search.trim()); setPage(1); }}>
            <Field label={t("matching.search")} htmlFor="matching-search">
              <Input id="matching-search" value={search} onChange={(e) => setSearch(e.target.value)} allowClear data-testid="matching-search" />
            </Field>
            <Field label={t("matching.validity")} htmlFor="matching-valid">
              <Select<"1" | "0" | "all">
                id="matching-valid"
                value={valid}
                onChange={(v) => { setValid(v); setPage(1); }}
                options={[{ value: "1", label: t("matching.valid.1") }, { value: "0", label: t("matching.valid.0") }, { value: "all", label: t("matching.valid.all") }]}
              />
            </Field>
            <Button htmlType="submit">{t("common.search")}</Button>
          </FilterBar>
        }
      >
        <Loadable state={matching}>
          {(m) => (
            <DataTable<Matching>
              label={t("matching.listTitle", { name })}
              testId="matching-table"
              rowTestId="matching-row"
              rowKey="rid"
              dataSource={m.items}
              pagination={{ current: m.page, pageSize: m.page_size, total: m.total, showSizeChanger: false, onChange: setPage }}
              columns={[
                textColumn(t("matching.medinsCode"), "medins_list_codg"),
                textColumn(t("matching.medinsName"), "medins_list_name"),
                { title: t("matching.listType"), dataIndex: "list_type", key: "list_type", render: (v: string, r) => (r.list_type_name ? `${v} ${r.list_type_name}` : v) },
                textColumn(t("matching.medCode"), "med_list_codg"),
                textColumn(t("matching.begndate"), "begndate"),
                { title: t("matching.enddate"), dataIndex: "enddate", key: "enddate", render: (v: string | null) => v ?? "—" },
                { title: t("matching.status"), dataIndex: "status", key: "status", render: (v: Matching["status"], r) => <Tag color={statusColor[v]} title={r.ended_reason ?? undefined}>{t(`matching.status.${v}`)}</Tag> },
                { title: t("matching.source"), dataIndex: "source", key: "source", render: (v: string) => (v === "file" ? t("matching.source.file") : v) },
                textColumn(t("matching.updated"), "updt_time"),
              ]}
            />
          )}
        </Loadable>
      </Section>
      <Section title={t("matching.unmatchedTitle", { name })} testId="unmatched-list">
        <Loadable state={unmatched}>
          {(u) => (
            <DataTable<UnmatchedCode>
              label={t("matching.unmatchedTitle", { name })}
              testId="unmatched-table"
              rowTestId="unmatched-row"
              rowKey="medins_list_codg"
              dataSource={u.items}
              pagination={u.items.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
              locale={{ emptyText: t("matching.noUnmatched") }}
              columns={[
                textColumn(t("matching.medinsCode"), "medins_list_codg"),
                { title: t("matching.medinsName"), dataIndex: "medins_list_name", key: "medins_list_name", render: (v: string | null) => v ?? "—" },
                { title: t("matching.foundBy"), dataIndex: "source", key: "source", render: (v: string) => t(`matching.foundBy.${v === "2204" || v === "2301" || v === "3301" || v === "3302" ? v : "file"}`) },
                countColumn(t("matching.times"), "times"),
                textColumn(t("matching.reason"), "reason"),
                { title: t("matching.lastSeen"), dataIndex: "last_seen", key: "last_seen", render: (v: string) => new Date(v).toLocaleString("zh-CN", { hour12: false }) },
              ]}
            />
          )}
        </Loadable>
      </Section>
    </>
  );
}

function MatchingUpload({ code, onDone }: { code: string; onDone(): void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [result, setResult] = useState<MatchingImportResult | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const upload = async () => {
    if (!file) {
      input.current?.focus();
      return;
    }
    setError(undefined);
    setResult(null);
    setProgress(0);
    try {
      setResult(await uploadMatching(code, file, setProgress).done);
      setFile(null);
      if (input.current) input.current.value = "";
      onDone();
    } catch (e) {
      setError(e);
    } finally {
      setProgress(null);
    }
  };
  return (
    <>
      <FilterBar label={t("matching.uploadLabel")} onSubmit={() => void upload()}>
        <Field label={t("imports.file")} htmlFor="matching-file">
          <input ref={input} id="matching-file" type="file" accept={ACCEPT} className="file-input" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="matching-file" />
        </Field>
        <Button type="primary" htmlType="submit" icon={<UploadOutlined aria-hidden />} loading={progress !== null} disabled={!file} data-testid="matching-submit">
          {t("imports.upload")}
        </Button>
      </FilterBar>
      <Typography.Paragraph type="secondary">{t("matching.columns")}</Typography.Paragraph>
      {progress !== null ? <Progress percent={Math.round(progress * 100)} status="active" aria-label={t("matching.uploadLabel")} /> : null}
      {error !== undefined ? <ErrorView error={error} /> : null}
      {result ? (
        <Alert
          role="status"
          type={result.rejected_rows > 0 ? "warning" : "success"}
          showIcon
          data-testid="matching-result"
          title={t("matching.result", { read: result.read, inserted: result.inserted, updated: result.updated, unchanged: result.unchanged, rejected: result.rejected_rows })}
          description={result.rejected.length > 0 ? (
            <ul>{result.rejected.slice(0, 20).map((r) => <li key={`${r.row}:${r.field}`}>{t("matching.rejectedRow", { row: r.row, field: r.field, reason: r.reason })}</li>)}</ul>
          ) : undefined}
        />
      ) : null}
    </>
  );
}

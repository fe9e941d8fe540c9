import { App, Button, Typography } from "antd";
import { useState } from "react";
import { ErrorView } from "../../components/ErrorView";
import { Field, FilterBar } from "../../components/Field";
import { OptionalSelect } from "../../components/OptionalSelect";
import { Page, Section } from "../../components/Page";
import { useWorkingYear, YearSelect } from "../../components/YearSelect";
import { useI18n } from "../../i18n";
import { listDuplicates, resolveAllDuplicates, resolveDuplicate, scanDuplicates } from "../../lib/api";
import { mayWrite, useUser } from "../../lib/auth";
import { formatYuan } from "../../lib/format";
import type { DuplicateCase, DuplicateKind, DuplicateStatus, ResolveResult } from "../../lib/types";
import { useApi } from "../../lib/useApi";
import { ClerkResolveModal } from "./duplicates/ClerkResolveModal";
import { DuplicatesTable } from "./duplicates/DuplicatesTable";

const PAGE_SIZE = 50;

/** Duplicate enrollment: scan a year, resolve one case by the rule or by hand, or all open cases by the rule. */
export default function DuplicatesPage() {
  const workingYear = useWorkingYear();
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const user = useUser();
  const canAct = mayWrite(user.role);
  const [year, setYear] = useState(workingYear);
  const [status, setStatus] = useState<DuplicateStatus | undefined>("open");
  const [kind, setKind] = useState<DuplicateKind | undefined>(undefined);
  const [page, setPage] = useState(1);
  const [busy, setBusy] = useState<number | "scan" | "all" | null>(null);
  const [clerkCase, setClerkCase] = useState<DuplicateCase | null>(null);
  const [failure, setFailure] = useState<unknown>(undefined);

  const cases = useApi(`duplicates:${year}:${status ?? ""}:${kind ?? ""}:${page}`, () => listDuplicates({ year, status, kind, page, page_size: PAGE_SIZE }));
  const items = cases.data?.items ?? [];

  const act = async <T,>(what: number | "scan" | "all", run: () => Promise<T>, done: (result: T) => string) => {
    setBusy(what);
    setFailure(undefined);
    try {
      void message.success(done(await run()));
      cases.reload();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(null);
    }
  };

  const resolved = (r: ResolveResult) => t("duplicates.resolved", { id: r.case.id, refund: formatYuan(r.refund) });

  const confirmAll = () =>
    modal.confirm({
      title: t("duplicates.resolveAll"),
      content: t("duplicates.confirmAll", { year }),
      okText: t("common.confirm"),
      cancelText: t("common.cancel"),
      okButtonProps: { "data-testid": "duplicate-resolve-all-confirm" },
      onOk: () =>
        act("all", () => resolveAllDuplicates(year, user.username), (r) =>
          t("duplicates.resolvedAll", { count: r.resolved.length, refund: formatYuan(r.refund) }),
        ),
    });

  return (
    <Page
      title={t("duplicates.title")}
      extra={
        canAct ? (
          <>
            <Button
              loading={busy === "scan"}
              onClick={() => void act("scan", () => scanDuplicates(year), (r) => t("duplicates.scanned", { found: r.found, created: r.created, updated: r.updated }))}
              data-testid="duplicate-scan"
            >
              {t("duplicates.scan")}
            </Button>
            <Button type="primary" danger loading={busy === "all"} onClick={confirmAll} data-testid="duplicate-resolve-all">
              {t("duplicates.resolveAll")}
            </Button>
          </>
        ) : null
      }
    >
      <FilterBar label={t("common.filters")}>
        <YearSelect
          id="duplicates-year"
          value={year}
          onChange={(y) => {
            setYear(y ?? workingYear);
            setPage(1);
          }}
        />
        <Field label={t("common.status")} htmlFor="duplicates-status">
          <OptionalSelect<DuplicateStatus>
            id="duplicates-status"
            value={status}
            onChange={(s) => {
              setStatus(s);
              setPage(1);
            }}
            className="select-year"
            noneLabel={t("common.all")}
            options={[
              { value: "open", label: t("duplicateStatus.open") },
              { value: "resolved", label: t("duplicateStatus.resolved") },
            ]}
          />
        </Field>
        <Field label={t("duplicates.kind")} htmlFor="duplicates-kind">
          <OptionalSelect<DuplicateKind>
            id="duplicates-kind"
            value={kind}
            onChange={(k) => {
              setKind(k);
              setPage(1);
            }}
            noneLabel={t("common.all")}
            options={[
              { value: "two_regions", label: t("duplicateKind.two_regions") },
              { value: "employee_and_resident", label: t("duplicateKind.employee_and_resident") },
            ]}
          />
        </Field>
      </FilterBar>
      <Typography.Paragraph type="secondary">{t("duplicates.rule")}</Typography.Paragraph>
      {failure !== undefined ? <ErrorView error={failure} /> : null}
      <Section title={t("duplicates.list")}>
        {cases.error ? (
          <ErrorView error={cases.error} onRetry={cases.reload} />
        ) : (
          <DuplicatesTable
            page={cases.data}
            items={items}
            loading={cases.loading}
            actions={canAct}
            busyId={typeof busy === "number" ? busy : null}
            onPage={setPage}
            onRule={(c) => void act(c.id, () => resolveDuplicate(c.id, { by: "rule", operator: user.username }), resolved)}
            onClerk={setClerkCase}
          />
        )}
      </Section>
      {clerkCase ? (
        <ClerkResolveModal
          item={clerkCase}
          onClose={() => setClerkCase(null)}
          onResolved={(r) => {
            setClerkCase(null);
            void message.success(resolved(r));
            cases.reload();
          }}
        />
      ) : null}
    </Page>
  );
}

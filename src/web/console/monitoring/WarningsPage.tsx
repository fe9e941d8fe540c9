import { App, Button, Typography } from "antd";
import { useState } from "react";
import { Page, Section } from "../../components/Page";
import { useI18n } from "../../i18n";
import { mayWrite, useUser } from "../../lib/auth";
import { setQuery, useLocation } from "../../lib/router";
import type { WarningScan } from "../../lib/types";
import { ScanModal } from "./warnings/ScanModal";
import { WarningFilters, type WarningFilter } from "./warnings/WarningFilters";
import { WarningsTable } from "./warnings/WarningsTable";

const FILTERS = ["state", "category", "admdvs", "min_window_self_paid", "proactive"] as const;

/**
 * 预警监测: the warnings of the persons insured in the user's region, filtered; the filters live in the address, so the
 * list comes back as it was after a warning was opened. Clerks and administrators may scan a year; auditors read.
 */
export default function WarningsPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const { query } = useLocation();
  const [scanning, setScanning] = useState(false);
  const [generation, setGeneration] = useState(0);
  const filter = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? undefined]).filter(([, v]) => v !== undefined)) as WarningFilter;

  const scanned = (r: WarningScan) => {
    setScanning(false);
    void message.success(
      t("warnings.scanned", {
        date: r.date, persons: r.persons, candidates: r.candidates, raised: r.raised, rechecked: r.rechecked,
        below: r.below_threshold, above: r.above_threshold, unchanged: r.unchanged,
      }),
      8,
    );
    setGeneration((g) => g + 1);
  };

  return (
    <Page
      title={t("warnings.title")}
      extra={
        mayWrite(user.role) ? (
          <Button onClick={() => setScanning(true)} data-testid="warnings-scan">
            {t("warnings.scan")}
          </Button>
        ) : null
      }
    >
      <WarningFilters value={filter} onChange={(next) => setQuery(Object.fromEntries(FILTERS.map((k) => [k, next[k]])))} />
      <Typography.Paragraph type="secondary">{t("warnings.rule")}</Typography.Paragraph>
      <Section title={t("warnings.list")}>
        <WarningsTable key={generation} filter={filter} label={t("warnings.list")} />
      </Section>
      {scanning ? <ScanModal onClose={() => setScanning(false)} onScanned={scanned} /> : null}
    </Page>
  );
}

import { App, Button } from "antd";
import { useState } from "react";
import { ErrorView } from "../../components/ErrorView";
import { FilterBar } from "../../components/Field";
import { Page, Section } from "../../components/Page";
import { useWorkingYear, YearSelect } from "../../components/YearSelect";
import { useI18n } from "../../i18n";
import { recomputeSubsidies } from "../../lib/api";
import { mayWrite, useUser } from "../../lib/auth";
import { CoverageTable } from "./subsidies/CoverageTable";
import { RegisterSection } from "./subsidies/RegisterSection";
import { StatisticsTable } from "./subsidies/StatisticsTable";

/** Subsidized enrollment (资助参保): the register, the statistics per category, coverage per region and category. */
export default function SubsidiesPage() {
  const workingYear = useWorkingYear();
  const { t } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const [year, setYear] = useState(workingYear);
  const [generation, setGeneration] = useState(0);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(undefined);

  const recompute = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const r = await recomputeSubsidies(year);
      void message.success(t("subsidies.recomputed", { enrollments: r.enrollments, initial: r.initial, adjustments: r.adjustments }));
      setGeneration((g) => g + 1);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page
      title={t("subsidies.title")}
      extra={
        <>
          <FilterBar label={t("common.filters")}>
            <YearSelect id="subsidies-year" value={year} onChange={(y) => setYear(y ?? workingYear)} />
          </FilterBar>
          {mayWrite(user.role) ? (
            <Button onClick={() => void recompute()} loading={busy} data-testid="subsidies-recompute">
              {t("subsidies.recompute")}
            </Button>
          ) : null}
        </>
      }
    >
      {failure !== undefined ? <ErrorView error={failure} /> : null}
      <Section title={t("subsidies.register")}>
        <RegisterSection key={`${year}:${generation}`} year={year} />
      </Section>
      <Section title={t("subsidies.statistics")}>
        <StatisticsTable key={`${year}:${generation}`} year={year} />
      </Section>
      <Section title={t("subsidies.coverage")}>
        <CoverageTable year={year} />
      </Section>
    </Page>
  );
}

import { Col, Empty, Row, Select, Typography } from "antd";
import { Field, FilterBar } from "../../components/Field";
import { Loadable } from "../../components/Loadable";
import { OptionalSelect } from "../../components/OptionalSelect";
import { Page, Section } from "../../components/Page";
import { RegionInput } from "../../components/RegionInput";
import { useWorkingYear, YearSelect } from "../../components/YearSelect";
import { useI18n } from "../../i18n";
import { getBenefitReport } from "../../lib/api";
import { formatDateTime } from "../../lib/format";
import { setQuery, useLocation } from "../../lib/router";
import type { BenefitPopulation, BenefitQuery } from "../../lib/types";
import { useApi } from "../../lib/useApi";
import { BenefitTable } from "./benefits/BenefitTable";
import { MonthlyChart } from "./benefits/MonthlyChart";
import { useBenefitNames } from "./benefits/names";
import { TierChart } from "./benefits/TierChart";

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

/**
 * 待遇享受报表 (Baise's table): beneficiaries and amounts per tier, kind of care and population for a year or a month of
 * a region inside the user's, with the notes that say what each figure counts. The filters live in the address. There
 * is no download: the workbook is the command line's (yibao report benefits --out F.xlsx), the API answers JSON only.
 */
export default function BenefitsPage() {
  const { t } = useI18n();
  const names = useBenefitNames();
  const workingYear = useWorkingYear();
  const { query } = useLocation();
  const year = Number(query.get("year")) || workingYear;
  const month = Number(query.get("month")) || undefined;
  const admdvs = query.get("admdvs") ?? undefined;
  const population = (query.get("population") ?? "all") as BenefitPopulation;
  const q: BenefitQuery = { year, ...(month ? { month } : {}), ...(admdvs ? { admdvs } : {}) };
  const report = useApi(`benefits:${JSON.stringify(q)}`, () => getBenefitReport(q));

  return (
    <Page title={t("benefits.title")}>
      <FilterBar label={t("common.filters")}>
        <YearSelect id="benefits-year" value={year} onChange={(y) => setQuery({ year: y })} />
        <Field label={t("benefits.month")} htmlFor="benefits-month">
          <OptionalSelect<number>
            id="benefits-month"
            value={month}
            onChange={(m) => setQuery({ month: m })}
            className="select-year"
            noneLabel={t("benefits.wholeYear")}
            options={MONTHS.map((m) => ({ value: m, label: t("common.month", { month: m }) }))}
          />
        </Field>
        <Field label={t("benefits.region")} htmlFor="benefits-region">
          <RegionInput id="benefits-region" value={admdvs} onChange={(a) => setQuery({ admdvs: a })} placeholder={t("benefits.regionPlaceholder")} />
        </Field>
        <Field label={t("benefits.population")} htmlFor="benefits-population">
          <Select<BenefitPopulation>
            id="benefits-population"
            data-testid="benefits-population"
            value={population}
            onChange={(p) => setQuery({ population: p === "all" ? undefined : p })}
            className="select-wide"
            options={(report.data?.populations ?? [{ population: "all", name: "" }]).map((p) => ({ value: p.population, label: names.population(p.population, p.name) }))}
          />
        </Field>
      </FilterBar>
      <Loadable state={report}>
        {(r) => (
          <>
            <Typography.Paragraph type="secondary" data-testid="benefits-period">
              {t("benefits.period", {
                region: r.admdvs_name,
                year: r.year,
                month: r.month ? t("common.month", { month: r.month }) : t("benefits.wholeYear"),
                time: formatDateTime(r.as_of),
              })}
            </Typography.Paragraph>
            <Row gutter={[16, 16]}>
              <Col xs={24} xl={12}>
                <Section title={t("benefits.byTier")}>
                  <TierChart rows={r.rows} />
                </Section>
              </Col>
              <Col xs={24} xl={12}>
                <Section title={`${t("benefits.monthly")} · ${names.population(population)}`}>
                  {r.rows.some((row) => row.population === population && row.amount > 0) ? (
                    <MonthlyChart rows={r.rows} months={r.months} population={population} />
                  ) : (
                    <Empty description={t("benefits.noData")} />
                  )}
                </Section>
              </Col>
            </Row>
            <Section title={`${t("benefits.table")} · ${names.population(population)}`}>
              <BenefitTable report={r} population={population} />
            </Section>
            <Section title={t("benefits.notes")} testId="benefits-notes">
              <ol className="benefit-notes">
                {r.notes.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ol>
            </Section>
          </>
        )}
      </Loadable>
    </Page>
  );
}

import { Card, Empty, Flex, Progress, Select, Typography } from "antd";
import { useId, useState, type ReactNode } from "react";
import { Field } from "../../components/Field";
import { Loadable } from "../../components/Loadable";
import { Page } from "../../components/Page";
import { useI18n } from "../../i18n";
import { getMe } from "../../lib/api";
import { formatYuan } from "../../lib/format";
import type { Me, Meter, MyProgress } from "../../lib/types";
import { useApi } from "../../lib/useApi";

const percent = (part: number, whole: number | null) => (whole === null || whole <= 0 ? 0 : Math.min(100, Math.round((part / whole) * 1000) / 10));

/** How far I am this year from the critical-illness deductible, and how much of each yearly cap is used. */
export default function ProgressPage() {
  const { t } = useI18n();
  const [year, setYear] = useState<number | undefined>(undefined);
  const me = useApi(`me:${year ?? ""}`, () => getMe(year));
  const shownYear = me.data?.year;
  return (
    <Page title={shownYear ? t("progress.title", { year: shownYear }) : t("portal.progress")} extra={me.data ? <YearChoice me={me.data} onChange={setYear} /> : null}>
      <Loadable state={me}>{(m) => (m.progress ? <Meters progress={m.progress} /> : <Empty description={t("progress.none")} />)}</Loadable>
    </Page>
  );
}

function YearChoice({ me, onChange }: { me: Me; onChange(year: number): void }) {
  const { t } = useI18n();
  const years = [...new Set([me.year, ...me.years_with_settlements, ...me.years.map((y) => y.year)])].sort((a, b) => b - a);
  if (years.length < 2) return null;
  return (
    <Field label={t("common.year")} htmlFor="progress-year">
      <Select id="progress-year" value={me.year} onChange={onChange} className="select-year" options={years.map((y) => ({ value: y, label: String(y) }))} />
    </Field>
  );
}

function Meters({ progress: p }: { progress: MyProgress }) {
  const { t } = useI18n();
  return (
    <>
      <CriticalIllness progress={p} />
      {p.large_amount ? <MeterCard title={t("progress.largeAmount")} meter={p.large_amount} testId="progress-large-amount" /> : null}
      <MeterCard title={t("progress.basicInpatient")} meter={p.basic_inpatient} testId="progress-basic" />
      <MeterCard
        title={t("progress.outpatient")}
        meter={p.outpatient}
        testId="progress-outpatient"
        note={p.outpatient && p.outpatient.deductible > 0 ? t("progress.outpatientDeductible", { deductible: formatYuan(p.outpatient.deductible), counted: formatYuan(p.outpatient.deductible_counted) }) : undefined}
      />
      <MeterCard
        title={p.assistance ? `${t("progress.assistance")}（${p.assistance.category_name}）` : t("progress.assistance")}
        meter={p.assistance}
        testId="progress-assistance"
      />
    </>
  );
}

function ProgressCard({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} data-testid={testId}>
      <Card size="small" title={<h2 id={id} className="section-title">{title}</h2>}>
        <Flex vertical gap={4}>
          {children}
        </Flex>
      </Card>
    </section>
  );
}

function CriticalIllness({ progress }: { progress: MyProgress }) {
  const { t } = useI18n();
  const c = progress.critical_illness;
  if (!c) {
    return (
      <ProgressCard title={t("progress.critical")} testId="progress-critical">
        <Typography.Text type="secondary">{t("progress.notApplicable")}</Typography.Text>
      </ProgressCard>
    );
  }
  const reached = c.deductible_remaining <= 0;
  return (
    <ProgressCard title={t("progress.critical")} testId="progress-critical">
      <Progress percent={percent(c.base_so_far, c.deductible)} status={reached ? "success" : "normal"} aria-label={t("progress.critical")} />
      <Typography.Text>
        {reached
          ? t("progress.criticalReached", { deductible: formatYuan(c.deductible), paid: formatYuan(c.paid) })
          : t("progress.criticalDetail", { so_far: formatYuan(c.base_so_far), deductible: formatYuan(c.deductible), remaining: formatYuan(c.deductible_remaining) })}
      </Typography.Text>
      {c.tilt_category_name ? <Typography.Text type="secondary">{t("progress.tilt", { name: c.tilt_category_name })}</Typography.Text> : null}
      <MeterLine meter={c} label={t("progress.criticalCap")} />
    </ProgressCard>
  );
}

function MeterCard({ title, meter, testId, note }: { title: string; meter: Meter | null; testId: string; note?: string }) {
  const { t } = useI18n();
  return (
    <ProgressCard title={title} testId={testId}>
      {meter ? <MeterLine meter={meter} label={title} /> : <Typography.Text type="secondary">{t("progress.notApplicable")}</Typography.Text>}
      {note ? <Typography.Text type="secondary">{note}</Typography.Text> : null}
    </ProgressCard>
  );
}

/** A cap's bar and words: paid so far, what is left, the cap — or that there is no cap. */
function MeterLine({ meter, label }: { meter: Meter; label: string }) {
  const { t } = useI18n();
  if (meter.limit === null) return <Typography.Text>{t("progress.noCap", { paid: formatYuan(meter.used) })}</Typography.Text>;
  const used = percent(meter.used, meter.limit);
  return (
    <>
      <Progress percent={used} status={used >= 100 ? "exception" : "normal"} aria-label={label} />
      <Typography.Text>{t("progress.capDetail", { paid: formatYuan(meter.used), remaining: formatYuan(meter.remaining), cap: formatYuan(meter.limit) })}</Typography.Text>
    </>
  );
}

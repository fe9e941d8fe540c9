import { Alert, Button, Card, Collapse, Empty, Flex, Form, Input, InputNumber, Pagination, Radio, Tag, Typography } from "antd";
import { useId, useState, type ReactNode } from "react";
import { Loadable } from "../../components/Loadable";
import { ErrorView } from "../../components/ErrorView";
import { Money } from "../../components/Money";
import { Page } from "../../components/Page";
import { useI18n } from "../../i18n";
import { myApplications, myAssistanceApply, myAssistancePreview, myWarnings } from "../../lib/api";
import { formatDate, formatYuan } from "../../lib/format";
import { APPLICATION_KINDS, type ApplicationKind, type AssistanceApplication, type MyAssistancePreview, type MyDeclaration, type MyWarning } from "../../lib/types";
import { useApi } from "../../lib/useApi";

const PAGE_SIZE = 5;

/**
 * 救助, for the insured on a phone: what became of the bureau's warnings about my spending, in plain words; an
 * application for assistance with my household's declaration, its preview before it is sent; my applications' states.
 */
export default function HelpPage() {
  const { t } = useI18n();
  const [generation, setGeneration] = useState(0);
  return (
    <Page title={t("help.title")}>
      <MyWarnings />
      <ApplyCard onFiled={() => setGeneration((g) => g + 1)} />
      <MyApplications key={generation} />
    </Page>
  );
}

function HelpCard({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} data-testid={testId}>
      <Card size="small" title={<h2 id={id} className="section-title">{title}</h2>}>
        <Flex vertical gap="small">
          {children}
        </Flex>
      </Card>
    </section>
  );
}

function MyWarnings() {
  const { t } = useI18n();
  const warnings = useApi("my-warnings", myWarnings);
  return (
    <HelpCard title={t("help.warnings")} testId="help-warnings">
      <Loadable state={warnings}>
        {(w) =>
          w.items.length === 0 ? (
            <Typography.Text type="secondary">{t("help.noWarnings")}</Typography.Text>
          ) : (
            <ul className="plain-list">
              {w.items.map((item) => (
                <li key={item.id}>
                  <WarningOutcome warning={item} />
                </li>
              ))}
            </ul>
          )
        }
      </Loadable>
    </HelpCard>
  );
}

/** One warning as the person reads it: when, how much they paid themselves, and where things stand, in plain words. */
function WarningOutcome({ warning: w }: { warning: MyWarning }) {
  const { t, tryT } = useI18n();
  const lastNote = [...w.history].reverse().find((e) => e.note && e.state !== null)?.note;
  return (
    <div className="help-item" data-testid="help-warning" data-state={w.state}>
      <Flex justify="space-between" gap="small" wrap>
        <Typography.Text strong>{t("help.warningRaised", { date: formatDate(w.raised_at) })}</Typography.Text>
        <Tag color={w.state === "helped" ? "green" : w.state === "new" || w.state === "contacted" ? "orange" : "default"}>{tryT(`warningState.${w.state}`, w.state_name)}</Tag>
      </Flex>
      <Typography.Paragraph style={{ margin: "4px 0" }}>
        {t("help.warningSelfPaid", { from: formatDate(w.window_from), to: formatDate(w.window_to), amount: formatYuan(w.window_self_paid) })}
      </Typography.Paragraph>
      <Typography.Paragraph style={{ margin: 0 }} data-testid="help-warning-outcome">
        {t(`helpState.${w.state}`)}
        {w.state === "not_eligible" && lastNote ? ` ${t("help.reason", { reason: lastNote })}` : null}
      </Typography.Paragraph>
      {w.below_threshold ? <Typography.Text type="secondary">{t("help.below")}</Typography.Text> : null}
      {w.history.length ? (
        <Collapse
          ghost
          size="small"
          items={[
            {
              key: "history",
              label: t("help.history"),
              children: (
                <ol className="help-history">
                  {w.history.map((e, i) => (
                    <li key={i}>
                      {formatDate(e.at)} {tryT(`warningEvent.${e.action}`, e.action_name)}
                      {e.note ? `：${e.note}` : null}
                    </li>
                  ))}
                </ol>
              ),
            },
          ]}
        />
      ) : null}
    </div>
  );
}

interface Declaration {
  kind: ApplicationKind;
  household_size: number | null;
  household_income: number | null;
  note?: string;
}

function ApplyCard({ onFiled }: { onFiled(): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<Declaration>();
  const [preview, setPreview] = useState<{ body: MyDeclaration; answer: MyAssistancePreview } | null>(null);
  const [busy, setBusy] = useState<"preview" | "file" | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [filed, setFiled] = useState<AssistanceApplication | null>(null);

  const runPreview = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const body: MyDeclaration = { kind: v.kind, household_size: v.household_size ?? 0, household_income: v.household_income ?? 0 };
    setBusy("preview");
    setError(undefined);
    setFiled(null);
    try {
      setPreview({ body, answer: await myAssistancePreview(body) });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const apply = async () => {
    if (!preview) return;
    const note = (form.getFieldValue("note") as string | undefined)?.trim();
    setBusy("file");
    setError(undefined);
    try {
      setFiled(await myAssistanceApply({ ...preview.body, ...(note ? { note } : {}) }));
      setPreview(null);
      form.resetFields();
      onFiled();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <HelpCard title={t("help.apply")} testId="help-apply">
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t("help.applyIntro")}
      </Typography.Paragraph>
      <Form<Declaration>
        form={form}
        layout="vertical"
        name="my-application"
        initialValues={{ kind: "application", household_size: null, household_income: null }}
        onValuesChange={(changed: Partial<Declaration>) => {
          if (!("note" in changed)) setPreview(null);
        }}
      >
        <Form.Item name="kind" label={t("help.kind")}>
          <Radio.Group className="help-kinds" data-testid="help-kind">
            {APPLICATION_KINDS.map((k) => (
              <Radio key={k} value={k}>
                {t(`assistanceKind.${k}`)}
                <span className="amount-note help-kind-hint">{t(`help.kindHint.${k}`)}</span>
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item name="household_size" label={t("help.householdSize")} rules={[{ required: true, message: t("file.householdSizeRequired") }]}>
          <InputNumber<number> min={1} max={30} precision={0} inputMode="numeric" style={{ width: "100%" }} data-testid="help-household-size" />
        </Form.Item>
        <Form.Item name="household_income" label={t("help.income")} extra={t("help.incomeHint")} rules={[{ required: true, message: t("file.householdIncomeRequired") }]}>
          <InputNumber<number> min={0} precision={2} inputMode="decimal" style={{ width: "100%" }} data-testid="help-income" />
        </Form.Item>
        <Form.Item name="note" label={t("help.note")}>
          <Input.TextArea rows={2} maxLength={500} data-testid="help-note" />
        </Form.Item>
      </Form>
      {preview ? <PreviewResult preview={preview.answer} /> : null}
      {error !== undefined ? <ErrorView error={error} /> : null}
      {filed ? <Alert type="success" showIcon title={t("help.submitted", { id: filed.application_id })} data-testid="help-filed" /> : null}
      <Flex gap="small">
        <Button block onClick={() => void runPreview()} loading={busy === "preview"} data-testid="help-preview">
          {t("help.preview")}
        </Button>
        <Button block type="primary" disabled={!preview} onClick={() => void apply()} loading={busy === "file"} data-testid="help-submit">
          {t("help.submit")}
        </Button>
      </Flex>
    </HelpCard>
  );
}

/** The preview in plain words: what I would get, or why not, and the steps behind it. */
function PreviewResult({ preview }: { preview: MyAssistancePreview }) {
  const { t, tryT } = useI18n();
  const c = preview.calculation;
  const income = c.eligibility.income;
  // Why not, in the person's words: the income test, or the categories (the clerk's certificate is the way left).
  const why = c.eligible
    ? null
    : income && !income.passed
      ? t("help.whyIncome", { per_capita: formatYuan(income.per_capita), limit: formatYuan(income.limit) })
      : t(`help.whyCategory.${c.kind}`);
  const kind = tryT(`assistanceKind.${c.kind}`, c.kind_name);
  const headline = !c.eligible
    ? t("help.cannotGet", { kind })
    : c.amount > 0
      ? t("help.canGet", { kind, amount: formatYuan(c.amount) })
      : t("help.zero", { base: formatYuan(c.base), threshold: formatYuan(c.threshold) });
  return (
    <div data-testid="help-preview-result" data-eligible={c.eligible} data-amount={c.amount}>
      <Alert
        type={c.eligible && c.amount > 0 ? "success" : "warning"}
        showIcon
        title={headline}
        description={
          <>
            <div>{t("help.dated", { date: formatDate(preview.application_date), from: formatDate(c.window.from), to: formatDate(c.window.to) })}</div>
            {why ? <div>{why}</div> : null}
          </>
        }
      />
      <Collapse
        ghost
        size="small"
        items={[{ key: "steps", label: t("help.details"), children: <ol className="help-history">{c.steps.map((s, i) => <li key={i}>{s.text}</li>)}</ol> }]}
      />
    </div>
  );
}

function MyApplications() {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const list = useApi(`my-applications:${page}`, () => myApplications({ page, page_size: PAGE_SIZE }));
  return (
    <HelpCard title={t("help.applications")} testId="help-applications">
      <Loadable state={list}>
        {(l) =>
          l.items.length === 0 ? (
            <Empty description={t("help.noApplications")} />
          ) : (
            <>
              <ul className="plain-list">
                {l.items.map((a) => (
                  <li key={a.application_id}>
                    <ApplicationCard application={a} />
                  </li>
                ))}
              </ul>
              <Pagination current={l.page} pageSize={l.page_size} total={l.total} onChange={setPage} hideOnSinglePage simple style={{ textAlign: "center" }} />
            </>
          )
        }
      </Loadable>
    </HelpCard>
  );
}

const STATE_COLORS: Record<string, string> = { submitted: "processing", approved: "orange", rejected: "red", paid: "green" };

/** One of my applications: its kind and date, its state in plain words, the amount, and the calculation's steps. */
function ApplicationCard({ application: a }: { application: AssistanceApplication }) {
  const { t, tryT } = useI18n();
  const words = {
    submitted: t("helpApp.submitted", { amount: formatYuan(a.amount) }),
    approved: t("helpApp.approved", { amount: formatYuan(a.amount) }),
    rejected: t("helpApp.rejected", { reason: a.reject_reason ?? "—" }),
    paid: t("helpApp.paid", { amount: formatYuan(a.amount), date: formatDate(a.paid_at) }),
  }[a.state];
  return (
    <div className="help-item" data-testid="help-application" data-state={a.state} data-id={a.application_id}>
      <Flex justify="space-between" gap="small" wrap>
        <Typography.Text strong>
          {tryT(`assistanceKind.${a.kind}`, a.kind_name)} · {formatDate(a.application_date)}
        </Typography.Text>
        <Tag color={STATE_COLORS[a.state]} data-testid="help-application-state">
          {tryT(`applicationState.${a.state}`, a.state_name)}
        </Tag>
      </Flex>
      <Typography.Paragraph style={{ margin: "4px 0 0" }}>{words}</Typography.Paragraph>
      <Flex justify="space-between" gap="small" wrap>
        <Typography.Text type="secondary">
          {tryT(`filedVia.${a.filed_via}`, a.filed_via)}
        </Typography.Text>
        <span>
          {t("assistance.amount")} <Money value={a.amount} strong />
        </span>
      </Flex>
      <Collapse
        ghost
        size="small"
        items={[{ key: "steps", label: t("help.details"), children: <ol className="help-history">{a.steps.map((s, i) => <li key={i}>{s.text}</li>)}</ol> }]}
      />
    </div>
  );
}

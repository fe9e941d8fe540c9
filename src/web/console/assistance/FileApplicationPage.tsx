import { ArrowLeftOutlined } from "@ant-design/icons";
import { Alert, App, Button, Checkbox, DatePicker, Flex, Form, Input, InputNumber, Radio, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { ErrorView } from "../../components/ErrorView";
import { Page, Section } from "../../components/Page";
import { useI18n } from "../../i18n";
import { fileApplication, previewAssistance } from "../../lib/api";
import { chinaToday, formatYuan } from "../../lib/format";
import { Link, navigate, useLocation } from "../../lib/router";
import { APPLICATION_KINDS, type ApplicationKind, type AssistancePreview, type AssistancePreviewBody } from "../../lib/types";
import { applicationPath, warningPath } from "../paths";
import { ApplicantCard } from "./applications/ApplicantCard";
import { CalculationView } from "./applications/CalculationView";

interface Values {
  psn_no: string;
  kind: ApplicationKind;
  household_size: number | null;
  household_income: number | null;
  certified_difficulty: boolean;
  application_date: Dayjs | null;
  note?: string;
}

const DATE = "YYYY-MM-DD";

/**
 * A clerk files an application on a person's behalf — from a warning (its person and check date prefilled), a person's
 * page, or by the person's number. The calculation is previewed first, and only the previewed declaration can be filed:
 * a change after the preview asks for a new one.
 */
export default function FileApplicationPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { query } = useLocation();
  const warningId = query.get("warning_id") ? Number(query.get("warning_id")) : undefined;
  const fromDate = query.get("date");
  const [form] = Form.useForm<Values>();
  const [applicant, setApplicant] = useState(query.get("psn_no") ?? "");
  const [preview, setPreview] = useState<{ body: AssistancePreviewBody; answer: AssistancePreview } | null>(null);
  const [stale, setStale] = useState(false);
  const [busy, setBusy] = useState<"preview" | "file" | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  const bodyOf = (v: Values): AssistancePreviewBody => ({
    psn_no: v.psn_no.trim(),
    kind: v.kind,
    household_size: v.household_size ?? 0,
    household_income: v.household_income ?? 0,
    certified_difficulty: v.certified_difficulty,
    ...(v.application_date ? { application_date: v.application_date.format(DATE) } : {}),
  });

  const runPreview = async () => {
    const values = await form.validateFields().catch(() => null);
    if (!values) return;
    const body = bodyOf(values);
    setApplicant(body.psn_no);
    setBusy("preview");
    setError(undefined);
    try {
      setPreview({ body, answer: await previewAssistance(body) });
      setStale(false);
    } catch (e) {
      setPreview(null);
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  const file = async () => {
    if (!preview || stale) return;
    const note = form.getFieldValue("note") as string | undefined;
    setBusy("file");
    setError(undefined);
    try {
      const filed = await fileApplication({ ...preview.body, ...(note?.trim() ? { note: note.trim() } : {}), ...(warningId ? { warning_id: warningId } : {}) });
      void message.success(t("file.filed", { id: filed.application_id, amount: formatYuan(filed.amount) }));
      navigate(applicationPath(filed.application_id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Page
      title={t("file.title")}
      extra={
        <Link to={warningId ? warningPath(warningId) : "/console/assistance"}>
          <ArrowLeftOutlined aria-hidden /> {warningId ? t("file.backToWarning", { id: warningId }) : t("application.back")}
        </Link>
      }
    >
      {warningId ? <Alert type="info" showIcon title={t("file.fromWarning", { id: warningId })} description={fromDate ? t("file.dateFromWarning", { date: fromDate }) : undefined} /> : null}
      <Section title={t("file.declaration")}>
        <Form<Values>
          form={form}
          layout="vertical"
          name="file-application"
          requiredMark
          initialValues={{
            psn_no: query.get("psn_no") ?? "",
            kind: "application",
            household_size: null,
            household_income: null,
            certified_difficulty: false,
            application_date: dayjs(fromDate ?? chinaToday()),
          }}
          onValuesChange={(changed: Partial<Values>) => {
            if ("note" in changed && Object.keys(changed).length === 1) return;
            if (preview) setStale(true);
          }}
          className="form-columns"
        >
          <Form.Item name="psn_no" label={t("file.psnNo")} rules={[{ required: true, whitespace: true, message: t("file.psnNoRequired") }]}>
            <Input maxLength={40} onBlur={(e) => setApplicant(e.target.value.trim())} data-testid="file-psn-no" />
          </Form.Item>
          <Form.Item name="kind" label={t("assistance.kind")}>
            <Radio.Group options={APPLICATION_KINDS.map((k) => ({ value: k, label: t(`assistanceKind.${k}`) }))} data-testid="file-kind" />
          </Form.Item>
          <Form.Item name="household_size" label={t("file.householdSize")} rules={[{ required: true, message: t("file.householdSizeRequired") }]}>
            <InputNumber<number> min={1} max={30} precision={0} className="input-amount" data-testid="file-household-size" />
          </Form.Item>
          <Form.Item name="household_income" label={t("file.householdIncome")} rules={[{ required: true, message: t("file.householdIncomeRequired") }]}>
            <InputNumber<number> min={0} precision={2} step={100} className="input-amount" data-testid="file-household-income" />
          </Form.Item>
          <Form.Item name="application_date" label={t("file.date")} rules={[{ required: true, message: t("file.dateRequired") }]}>
            <DatePicker allowClear={false} disabledDate={(d) => d.format(DATE) > chinaToday()} data-testid="file-date" />
          </Form.Item>
          <Form.Item name="certified_difficulty" valuePropName="checked" extra={t("file.certifiedHint")}>
            <Checkbox data-testid="file-certified">{t("file.certified")}</Checkbox>
          </Form.Item>
          <Form.Item name="note" label={t("file.note")} className="form-wide">
            <Input.TextArea rows={2} maxLength={500} showCount data-testid="file-note" />
          </Form.Item>
        </Form>
        <Flex gap="small" wrap align="center">
          <Button onClick={() => void runPreview()} loading={busy === "preview"} data-testid="file-preview">
            {t("file.preview")}
          </Button>
          <Button type="primary" onClick={() => void file()} disabled={!preview || stale} loading={busy === "file"} data-testid="file-submit">
            {t("file.submit")}
          </Button>
          <Typography.Text type="secondary" aria-live="polite">
            {!preview ? t("file.previewFirst") : stale ? t("file.stale") : null}
          </Typography.Text>
        </Flex>
        {error !== undefined ? <div style={{ marginTop: 12 }}><ErrorView error={error} /></div> : null}
      </Section>
      {applicant ? (
        <Section title={t("file.applicant")}>
          <ApplicantCard psnNo={applicant} />
        </Section>
      ) : null}
      {preview ? (
        <Section title={stale ? `${t("calc.title")}（${t("file.staleShort")}）` : t("calc.title")} testId="file-preview-result">
          <CalculationView calculation={preview.answer.calculation} testId="calculation" />
        </Section>
      ) : null}
    </Page>
  );
}

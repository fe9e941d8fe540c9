import { ArrowLeftOutlined } from "@ant-design/icons";
import { App, Card, Col, Row, Statistic } from "antd";
import { useState } from "react";
import { Loadable } from "../../components/Loadable";
import { Page, Section } from "../../components/Page";
import { useI18n } from "../../i18n";
import { getApplication, previewAssistance } from "../../lib/api";
import { mayWrite, useUser } from "../../lib/auth";
import { formatYuan } from "../../lib/format";
import { Link, useParam } from "../../lib/router";
import type { AssistanceApplication, PayAnswer } from "../../lib/types";
import { useApi } from "../../lib/useApi";
import { ApplicationEvents } from "./applications/ApplicationEvents";
import { ApplicationFacts } from "./applications/ApplicationFacts";
import { CalculationView } from "./applications/CalculationView";
import { PaymentView } from "./applications/PaymentView";
import { ReviewActions } from "./applications/ReviewActions";
import { StepsList } from "./applications/StepsList";

/**
 * One application: the declaration and who did what, the amount and its calculation step by step, the settlements in
 * its base; while it is submitted, what approval would give on the settlements stored today; approve, reject or pay
 * for clerks and administrators; once paid, the payment.
 */
export default function ApplicationPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const id = useParam("id");
  const application = useApi(`application:${id}`, () => getApplication(id));
  const [paid, setPaid] = useState<PayAnswer | null>(null);

  return (
    <Page
      title={t("application.title", { id })}
      extra={
        <Link to="/console/assistance">
          <ArrowLeftOutlined aria-hidden /> {t("application.back")}
        </Link>
      }
    >
      <Loadable state={application}>
        {(a) => (
          <>
            <Amounts application={a} />
            <Section title={t("application.info")}>
              <ApplicationFacts application={a} />
            </Section>
            {mayWrite(user.role) ? (
              <Section title={t("application.review")} testId="application-review">
                <ReviewActions
                  application={a}
                  onDone={(text, answer) => {
                    void message.success(text);
                    if (answer) setPaid(answer);
                    application.reload();
                  }}
                />
              </Section>
            ) : null}
            {a.state === "paid" ? (
              <Section title={t("application.payment")}>
                <PaymentView application={a} paid={paid} />
              </Section>
            ) : null}
            <Section title={a.state === "submitted" || a.state === "rejected" ? t("application.stepsFiled") : t("application.stepsApproved")}>
              <StepsList steps={a.steps} testId="application-steps" />
            </Section>
            {a.state === "submitted" ? (
              <Section title={t("application.recheck")}>
                <Recheck application={a} />
              </Section>
            ) : null}
            <Section title={t("application.events")}>
              <ApplicationEvents events={a.events ?? []} />
            </Section>
          </>
        )}
      </Loadable>
    </Page>
  );
}

/** The base and the amount, as filed or as approved, and what was paid. */
function Amounts({ application: a }: { application: AssistanceApplication }) {
  const { t } = useI18n();
  const approved = a.state === "approved" || a.state === "paid";
  const cards = [
    { key: "base", title: approved ? t("application.baseApproved") : t("application.baseFiled"), value: formatYuan(a.base) },
    { key: "amount", title: approved ? t("application.amountApproved") : t("application.amountFiled"), value: formatYuan(a.amount) },
    { key: "paid", title: t("application.paidAmount"), value: a.state === "paid" ? formatYuan(a.amount) : "—" },
  ];
  return (
    <Row gutter={[16, 16]}>
      {cards.map((c) => (
        <Col key={c.key} xs={24} sm={8}>
          <Card size="small" data-testid={`application-${c.key}`}>
            <Statistic title={c.title} value={c.value} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

/** What approval would give now: the same rule on the settlements stored today (a reversal since filing shows here). */
function Recheck({ application: a }: { application: AssistanceApplication }) {
  const recheck = useApi(`recheck:${a.application_id}:${a.household_size}:${a.household_income}`, () =>
    previewAssistance({
      psn_no: a.psn_no, kind: a.kind, household_size: a.household_size, household_income: a.household_income,
      application_date: a.application_date, certified_difficulty: a.certified_difficulty,
    }),
  );
  return <Loadable state={recheck}>{(p) => <CalculationView calculation={p.calculation} testId="application-recheck" />}</Loadable>;
}

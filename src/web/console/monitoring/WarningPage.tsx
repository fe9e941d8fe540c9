import { ArrowLeftOutlined, FileAddOutlined } from "@ant-design/icons";
import { Alert, App, Button } from "antd";
import { Loadable } from "../../components/Loadable";
import { Page, Section } from "../../components/Page";
import { useI18n } from "../../i18n";
import { getWarning } from "../../lib/api";
import { mayWrite, useUser } from "../../lib/auth";
import { Link, navigate, useParam } from "../../lib/router";
import { useApi } from "../../lib/useApi";
import { ApplicationsTable } from "../assistance/applications/ApplicationsTable";
import { newApplicationPath } from "../paths";
import { WarningActions } from "./warnings/WarningActions";
import { WarningEvents } from "./warnings/WarningEvents";
import { WarningExplanation, WarningFacts } from "./warnings/WarningFacts";
import { WarningSettlements } from "./warnings/WarningSettlements";

/**
 * One warning: its figures and what they mean in words, the settlements behind them, what was done and by whom; for
 * clerks and administrators the actions its state allows, and the filing of an application on the family's behalf,
 * prefilled from the warning. Auditors see the same page without a button.
 */
export default function WarningPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const canAct = mayWrite(user.role);
  const id = Number(useParam("id"));
  const warning = useApi(`warning:${id}`, () => getWarning(id));
  const w = warning.data;

  return (
    <Page
      title={w ? t("warning.title", { id: w.id, name: w.psn_name }) : t("warnings.title")}
      extra={
        <>
          {w && canAct ? (
            <Button
              type="primary"
              icon={<FileAddOutlined aria-hidden />}
              onClick={() => navigate(newApplicationPath({ psn_no: w.psn_no, warning_id: w.id, date: w.window_to }))}
              data-testid="warning-apply"
            >
              {t("warning.apply")}
            </Button>
          ) : null}
          <Link to="/console/warnings">
            <ArrowLeftOutlined aria-hidden /> {t("warning.back")}
          </Link>
        </>
      }
    >
      <Loadable state={warning}>
        {(d) => (
          <>
            <Section title={t("warning.summary")} testId="warning-summary">
              <WarningFacts warning={d} />
            </Section>
            <Section title={t("warning.explanation")}>
              {d.below_threshold ? <Alert type="info" showIcon title={t("warning.belowNote")} style={{ marginBottom: 12 }} /> : null}
              <WarningExplanation text={d.explanation} />
            </Section>
            {canAct ? (
              <Section title={t("warning.actions")} testId="warning-actions">
                <WarningActions
                  warning={d}
                  onDone={(after, action) => {
                    void message.success(t("warning.acted", { action: t(`warningAction.${action}`), state: t(`warningState.${after.state}`) }));
                    warning.reload();
                  }}
                />
              </Section>
            ) : null}
            <Section title={t("warning.settlements")}>
              <WarningSettlements settlements={d.settlements} />
            </Section>
            <Section title={t("warning.events")}>
              <WarningEvents events={d.events} />
            </Section>
            <Section title={t("warning.applications")}>
              <ApplicationsTable filter={{ psn_no: d.psn_no }} label={t("warning.applications")} showPerson={false} />
            </Section>
          </>
        )}
      </Loadable>
    </Page>
  );
}

import { Descriptions, Flex } from "antd";
import { CodeTag } from "../../../components/CodeTag";
import { Money } from "../../../components/Money";
import { useI18n } from "../../../i18n";
import { formatDate, formatDateTime, orDash } from "../../../lib/format";
import { Link } from "../../../lib/router";
import type { AssistanceApplication } from "../../../lib/types";
import { personPath, warningPath } from "../../paths";
import { APPLICATION_STATE_COLORS } from "./colors";

/** The application as filed and reviewed: who, which kind and fund, the declaration, and who did what. */
export function ApplicationFacts({ application: a }: { application: AssistanceApplication }) {
  const { t, tryT } = useI18n();
  const yesNo = (v: boolean) => (v ? t("common.yes") : t("common.no"));
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, sm: 2, lg: 3 }}
      data-testid="application-facts"
      items={[
        { key: "person", label: t("file.applicant"), children: <Link to={personPath(a.psn_no)}>{a.psn_name}</Link> },
        { key: "certno", label: t("field.certno"), children: a.certno },
        { key: "admdvs", label: t("field.insuplc_admdvs"), children: `${a.admdvs_name}（${a.admdvs}）` },
        { key: "kind", label: t("assistance.kind"), children: <CodeTag prefix="assistanceKind" code={a.kind} fallback={a.kind_name} /> },
        {
          key: "state",
          label: t("common.status"),
          children: (
            <span data-testid="application-state" data-state={a.state}>
              <CodeTag prefix="applicationState" code={a.state} fallback={a.state_name} color={APPLICATION_STATE_COLORS} />
            </span>
          ),
        },
        { key: "fund", label: t("application.fund"), children: `${a.fund_pay_type_name}（${a.fund_pay_type}）` },
        { key: "date", label: t("assistance.date"), children: formatDate(a.application_date) },
        { key: "policy", label: t("warning.policy"), children: a.policy_id },
        {
          key: "via",
          label: t("assistance.filedVia"),
          children: (
            <Flex gap={8} wrap>
              <span>
                {tryT(`filedVia.${a.filed_via}`, a.filed_via)} · {a.filed_by}
              </span>
              {a.warning_id !== null ? <Link to={warningPath(a.warning_id)}>{t("assistance.fromWarning", { id: a.warning_id })}</Link> : null}
            </Flex>
          ),
        },
        { key: "size", label: t("file.householdSize"), children: a.household_size },
        { key: "income", label: t("file.householdIncome"), children: <Money value={a.household_income} /> },
        { key: "certified", label: t("application.certified"), children: yesNo(a.certified_difficulty) },
        { key: "created", label: t("assistance.createdAt"), children: formatDateTime(a.created_at) },
        { key: "reviewed", label: t("application.reviewed"), children: a.reviewed_by ? `${a.reviewed_by} · ${formatDateTime(a.reviewed_at)}` : "—" },
        { key: "year", label: t("application.approvalYear"), children: orDash(a.approval_year) },
        ...(a.note ? [{ key: "note", label: t("file.note"), children: a.note, span: "filled" as const }] : []),
        ...(a.reject_reason ? [{ key: "reason", label: t("application.rejectReason"), children: a.reject_reason, span: "filled" as const }] : []),
      ]}
    />
  );
}

import { Descriptions, Flex, Tag } from "antd";
import { CodeTag } from "../../../components/CodeTag";
import { Money } from "../../../components/Money";
import { useI18n } from "../../../i18n";
import { formatDate, formatDateTime } from "../../../lib/format";
import { Link } from "../../../lib/router";
import type { WarningDetail } from "../../../lib/types";
import { personPath } from "../../paths";
import { WARNING_STATE_COLORS } from "./colors";

/** Who the warning is about, where it stands, and the figures that raised it (yuan). */
export function WarningFacts({ warning: w }: { warning: WarningDetail }) {
  const { t, tryT } = useI18n();
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, sm: 2, lg: 3 }}
      data-testid="warning-facts"
      items={[
        { key: "person", label: t("warning.person"), children: <Link to={personPath(w.psn_no)} data-testid="warning-person-link">{w.psn_name}</Link> },
        { key: "certno", label: t("field.certno"), children: w.certno },
        { key: "admdvs", label: t("field.insuplc_admdvs"), children: `${w.admdvs_name}（${w.admdvs}）` },
        {
          key: "state",
          label: t("common.status"),
          children: (
            <Flex gap={4} wrap>
              <span data-testid="warning-state" data-state={w.state}>
                <CodeTag prefix="warningState" code={w.state} fallback={w.state_name} color={WARNING_STATE_COLORS} />
              </span>
              {w.below_threshold ? <Tag>{t("warnings.belowTag")}</Tag> : null}
            </Flex>
          ),
        },
        {
          key: "criteria",
          label: t("warnings.criteria"),
          children: w.criteria.length ? w.criteria.map((c, i) => tryT(`warningCriterion.${c}`, w.criteria_names[i] ?? c)).join("；") : t("warnings.belowTag"),
        },
        {
          key: "category",
          label: t("warnings.category"),
          children: w.category ? tryT(`categoryName.${w.category}`, w.category_name ?? w.category) : <Tag color="red">{t("warnings.proactiveTag")}</Tag>,
        },
        { key: "window", label: t("warnings.window"), children: `${formatDate(w.window_from)} — ${formatDate(w.window_to)}` },
        { key: "self_paid", label: t("warnings.windowSelfPaid"), children: <Money value={w.window_self_paid} strong /> },
        { key: "max_single", label: t("warnings.maxSingle"), children: <Money value={w.max_single_self_paid} /> },
        { key: "income", label: t("warnings.householdIncome"), children: w.household_income === null ? t("warning.incomeUnknown") : <Money value={w.household_income} /> },
        { key: "count", label: t("warnings.settlementCount"), children: w.settlement_count },
        { key: "policy", label: t("warning.policy"), children: w.policy_id },
        { key: "raised", label: t("warnings.raisedAt"), children: formatDateTime(w.raised_at) },
        { key: "checked", label: t("warning.checkedAt"), children: formatDateTime(w.checked_at) },
        { key: "updated", label: t("warnings.updatedAt"), children: formatDateTime(w.updated_at) },
      ]}
    />
  );
}

/** The server's account of the figures against each threshold, one clause a line. */
export function WarningExplanation({ text }: { text: string }) {
  const clauses = text.split(/[；;]/).map((c) => c.trim().replace(/。$/, "")).filter(Boolean);
  return (
    <ul className="explanation-plain" data-testid="warning-explanation">
      {clauses.map((clause, i) => (
        <li key={i}>{clause}</li>
      ))}
    </ul>
  );
}

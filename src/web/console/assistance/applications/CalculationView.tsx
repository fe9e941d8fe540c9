import { Alert, Descriptions, Flex } from "antd";
import { dateColumn, moneyColumn } from "../../../components/columns";
import { DataTable } from "../../../components/DataTable";
import { Money } from "../../../components/Money";
import { useI18n } from "../../../i18n";
import { formatDate, formatRatio, formatYuan as formatAmount } from "../../../lib/format";
import { Link } from "../../../lib/router";
import type { AssistanceCalculation } from "../../../lib/types";
import { settlementPath } from "../../paths";
import { StepsList } from "./StepsList";

type Counted = AssistanceCalculation["settlements"][number];
type Excluded = AssistanceCalculation["excluded"][number];

/**
 * A calculation of assistance (a preview before filing, or the recomputation a reviewer sees before approving):
 * eligible or not and why, the figures from the burden to the amount, the settlements counted and those left out, and
 * the rule's steps in words.
 */
export function CalculationView({ calculation: c, testId }: { calculation: AssistanceCalculation; testId?: string }) {
  const { t, tryT, locale } = useI18n();
  const eligibility = c.steps.find((s) => s.step === "eligibility")?.text;
  const why = locale === "en" && c.eligibility.refusal ? c.eligibility.refusal.rule : eligibility;
  const kind = tryT(`assistanceKind.${c.kind}`, c.kind_name);
  return (
    <Flex vertical gap="middle" data-testid={testId} data-eligible={c.eligible} data-amount={c.amount}>
      <Alert
        type={c.eligible ? (c.amount > 0 ? "success" : "warning") : "error"}
        showIcon
        title={
          c.eligible
            ? c.amount > 0
              ? t("calc.eligibleAmount", { kind, amount: formatAmount(c.amount) })
              : t("calc.eligibleNothing", { kind, base: formatAmount(c.base), threshold: formatAmount(c.threshold) })
            : t("calc.notEligible", { kind })
        }
        description={why}
      />
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, sm: 2, lg: 3 }}
        items={[
          { key: "window", label: t("calc.window"), children: t("calc.windowText", { from: formatDate(c.window.from), to: formatDate(c.window.to), months: c.window.months }) },
          { key: "policy", label: t("warning.policy"), children: c.policy_id },
          ...(c.eligibility.income
            ? [{ key: "income", label: t("calc.income"), children: t("calc.incomeText", { per_capita: formatAmount(c.eligibility.income.per_capita), limit: formatAmount(c.eligibility.income.limit) }) }]
            : []),
          { key: "burden", label: t("calc.burden"), children: <Money value={c.burden} /> },
          ...(c.kind === "secondary" ? [{ key: "deducted", label: t("calc.deducted"), children: <Money value={c.deducted} /> }] : []),
          { key: "base", label: t("calc.base"), children: <Money value={c.base} strong /> },
          { key: "threshold", label: t("calc.threshold"), children: <Money value={c.threshold} /> },
          { key: "above", label: t("calc.above"), children: <Money value={c.above} /> },
          { key: "ratio", label: t("calc.ratio"), children: formatRatio(c.ratio) },
          { key: "raw", label: t("calc.raw"), children: <Money value={c.raw} /> },
          { key: "limit", label: t("calc.limit"), children: <Money value={c.annual_limit} /> },
          { key: "amount", label: t("calc.amount"), children: <Money value={c.amount} strong /> },
        ]}
      />
      <DataTable<Counted>
        label={t("calc.settlements")}
        testId="calc-settlements"
        rowKey="setl_id"
        size="small"
        dataSource={c.settlements}
        locale={{ emptyText: t("calc.noSettlements") }}
        columns={[
          { title: t("setl.setl_id"), dataIndex: "setl_id", key: "setl_id", render: (id: string) => <Link to={settlementPath(id)}>{id}</Link> },
          dateColumn(t("calc.setlDate"), "setl_date"),
          moneyColumn(t("calc.inscp"), "inscp_scp_amt"),
          moneyColumn(t("calc.funds"), "funds"),
          moneyColumn(t("calc.settlementBurden"), "burden"),
        ]}
      />
      {c.excluded.length ? (
        <DataTable<Excluded>
          label={t("calc.excluded")}
          rowKey="setl_id"
          size="small"
          dataSource={c.excluded}
          columns={[
            { title: t("setl.setl_id"), dataIndex: "setl_id", key: "setl_id", render: (id: string) => <Link to={settlementPath(id)}>{id}</Link> },
            dateColumn(t("calc.setlDate"), "setl_date"),
            { title: t("calc.excludedWhy"), dataIndex: "reason", key: "reason", render: (r: string) => tryT(`calcExcluded.${r}`, r) },
          ]}
        />
      ) : null}
      <StepsList steps={c.steps} />
    </Flex>
  );
}

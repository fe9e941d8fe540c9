import { Descriptions } from "antd";
import { Money } from "../../components/Money";
import { useI18n } from "../../i18n";
import type { Settlement } from "../../lib/types";

/** The settlement's split in the national interface's order: what the bill was, what fell outside, who paid. */
const SPLIT = [
  "medfee_sumamt",
  "fulamt_ownpay_amt",
  "overlmt_selfpay",
  "preselfpay_amt",
  "inscp_scp_amt",
  "act_pay_dedc",
  "hifp_pay",
  "hifmi_pay",
  "hifob_pay",
  "maf_pay",
  "oth_pay",
  "fund_pay_sumamt",
  "acct_pay",
  "psn_cash_pay",
] as const;

const TOTALS = new Set<string>(["medfee_sumamt", "fund_pay_sumamt", "psn_cash_pay"]);

export function SplitDescriptions({ settlement }: { settlement: Settlement }) {
  const { t } = useI18n();
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, sm: 2, lg: 3 }}
      data-testid="settlement-split"
      items={SPLIT.map((field) => ({
        key: field,
        label: t(`split.${field}`),
        children: (
          <span data-field={field}>
            <Money value={settlement[field]} strong={TOTALS.has(field)} />
          </span>
        ),
      }))}
    />
  );
}

import { Descriptions } from "antd";
import { Money } from "../../../components/Money";
import { useI18n } from "../../../i18n";
import { formatDateTime } from "../../../lib/format";
import type { AssistanceApplication, PayAnswer } from "../../../lib/types";

/**
 * The payment of a paid application: the amount, the fund it came from, who paid and when, and the ledger's transfer
 * (fund → person) — from the payment's answer just now, or else as the payment's event recorded it.
 */
export function PaymentView({ application: a, paid }: { application: AssistanceApplication; paid: PayAnswer | null }) {
  const { t } = useI18n();
  const event = a.events?.find((e) => e.action === "pay");
  const ledger = paid ? `${paid.transfer.debit_account} → ${paid.transfer.credit_account}` : (event?.note?.split("：").slice(1).join("：") ?? "—");
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, sm: 2 }}
      data-testid="application-payment"
      items={[
        { key: "amount", label: t("application.paidAmount"), children: <Money value={paid?.transfer.amount ?? a.amount} strong /> },
        { key: "fund", label: t("application.fund"), children: `${a.fund_pay_type_name}（${a.fund_pay_type}）` },
        { key: "payee", label: t("application.payee"), children: `${a.psn_name}（${a.psn_no}）` },
        { key: "by", label: t("application.paidBy"), children: a.paid_by ?? "—" },
        { key: "at", label: t("assistance.paidAt"), children: formatDateTime(a.paid_at) },
        { key: "ledger", label: t("application.ledger"), children: ledger },
      ]}
    />
  );
}

import { Timeline, Typography } from "antd";
import { Money } from "../../components/Money";
import { useI18n } from "../../i18n";
import type { FundPayment, SettlementStep } from "../../lib/types";

/**
 * Each tier's step in order (basic → critical illness / large amount → assistance → other), with the engine's own
 * explanation (setl_proc_info); tiers that paid nothing are drawn grey but still say why.
 */
export function FundSteps({ steps, funds }: { steps: SettlementStep[]; funds: FundPayment[] }) {
  const { t } = useI18n();
  const shown = steps.length ? steps : funds;
  return (
    <div data-testid="settlement-explanation">
      <Timeline
        items={shown.map((step, i) => {
          return {
            key: `${step.fund_pay_type}-${i}`,
            color: step.fund_payamt > 0 ? "blue" : "gray",
            content: (
              <>
                <div>
                  <Typography.Text strong>
                    {step.fund_pay_type_name}（{step.fund_pay_type}）：<Money value={step.fund_payamt} strong />
                  </Typography.Text>
                </div>
                <Typography.Text type="secondary">
                  {t("settlement.base")}：<Money value={step.inscp_scp_amt} />
                  {step.crt_payb_lmt_amt !== null ? (
                    <>
                      {" · "}
                      {t("settlement.roomLeft")}：<Money value={step.crt_payb_lmt_amt} />
                    </>
                  ) : null}
                </Typography.Text>
                <Typography.Paragraph className="proc-info" style={{ whiteSpace: "pre-wrap", marginBottom: 0 }}>
                  {step.setl_proc_info}
                </Typography.Paragraph>
              </>
            ),
          };
        })}
      />
    </div>
  );
}

import { ArrowLeftOutlined } from "@ant-design/icons";
import { Card, Typography } from "antd";
import { AmountList, type AmountItem } from "../../components/AmountList";
import { Loadable } from "../../components/Loadable";
import { Page } from "../../components/Page";
import { useI18n } from "../../i18n";
import { getSettlement } from "../../lib/api";
import { formatDateTime, formatYuan, sumYuan } from "../../lib/format";
import { Link, useParam } from "../../lib/router";
import type { Settlement } from "../../lib/types";
import { useApi } from "../../lib/useApi";

const TIERS = ["hifp_pay", "hifmi_pay", "hifob_pay", "maf_pay", "oth_pay"] as const;

/** One of my settlements: the explanation in plain words, and the split in three lines. */
export default function SettlementPage() {
  const { t, locale } = useI18n();
  const setlId = useParam("setl_id");
  const detail = useApi(`my-settlement:${setlId}`, () => getSettlement(setlId));
  const s = detail.data?.settlement;
  return (
    <Page title={s ? s.fixmedins_name : t("portal.settlements")}>
      <Link to="/portal/settlements">
        <ArrowLeftOutlined aria-hidden /> {t("portal.backToList")}
      </Link>
      <Loadable state={detail}>
        {(d) => (
          <>
            <Typography.Text type="secondary">
              {formatDateTime(d.settlement.setl_time)} · {d.settlement.med_type_name}
            </Typography.Text>
            <Card size="small">
              <AmountList testId="portal-split" items={splitItems(t, d.settlement)} />
            </Card>
            <section aria-labelledby="explanation-title">
              <Card size="small" title={<h2 id="explanation-title" className="section-title">{t("portal.explanation")}</h2>}>
                <ol className="explanation-plain" data-testid="portal-explanation">
                  {(locale === "en" && d.explanation_plain_en.length ? d.explanation_plain_en : d.explanation_plain).map((line, i) => (
                    <li key={i}>{line}</li>
                  ))}
                </ol>
              </Card>
            </section>
          </>
        )}
      </Loadable>
    </Page>
  );
}

function splitItems(t: ReturnType<typeof useI18n>["t"], s: Settlement): AmountItem[] {
  const self = sumYuan(s.acct_pay, s.psn_cash_pay);
  return [
    { key: "medfee_sumamt", label: t("portal.total"), value: s.medfee_sumamt, strong: true },
    { key: "fund_pay_sumamt", label: t("portal.fundPaid"), value: s.fund_pay_sumamt, strong: true },
    ...TIERS.filter((tier) => s[tier] > 0).map((tier) => ({ key: tier, label: t(`split.${tier}`), value: s[tier], indent: true })),
    {
      key: "self",
      label: t("portal.selfPaid"),
      value: self,
      strong: true,
      note: s.acct_pay > 0 ? t("portal.ofWhichAccount", { account: formatYuan(s.acct_pay), cash: formatYuan(s.psn_cash_pay) }) : undefined,
    },
  ];
}

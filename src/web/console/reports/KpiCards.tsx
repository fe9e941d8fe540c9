import { Card, Col, Row, Statistic } from "antd";
import { useI18n } from "../../i18n";
import { formatCount, formatYuan } from "../../lib/format";
import type { DashboardTotals } from "../../lib/types";

export function KpiCards({ totals }: { totals: DashboardTotals }) {
  const { t } = useI18n();
  const cards = [
    { key: "settlements", title: t("dashboard.settlements"), value: formatCount(totals.settlements) },
    { key: "medfee", title: t("dashboard.medfee"), value: formatYuan(totals.medfee_sumamt) },
    { key: "fund", title: t("dashboard.fundPay"), value: formatYuan(totals.fund_pay_sumamt) },
    { key: "cash", title: t("dashboard.cash"), value: formatYuan(totals.psn_cash_pay) },
  ];
  return (
    <Row gutter={[16, 16]}>
      {cards.map((card) => (
        <Col key={card.key} xs={24} sm={12} xl={6}>
          <Card size="small" data-testid={`kpi-${card.key}`}>
            <Statistic title={card.title} value={card.value} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

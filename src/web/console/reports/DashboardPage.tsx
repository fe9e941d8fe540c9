import { Col, Empty, Row, Typography } from "antd";
import { useState } from "react";
import { FilterBar } from "../../components/Field";
import { Loadable } from "../../components/Loadable";
import { Page, Section } from "../../components/Page";
import { useWorkingYear, YearSelect } from "../../components/YearSelect";
import { useI18n } from "../../i18n";
import { getDashboard } from "../../lib/api";
import { formatDateTime } from "../../lib/format";
import { useApi } from "../../lib/useApi";
import { BeneficiariesChart } from "./BeneficiariesChart";
import { CoverageChart } from "./CoverageChart";
import { KpiCards } from "./KpiCards";
import { SpendingChart } from "./SpendingChart";

export default function DashboardPage() {
  const workingYear = useWorkingYear();
  const { t } = useI18n();
  const [year, setYear] = useState(workingYear);
  const dashboard = useApi(`dashboard:${year}`, () => getDashboard(year));

  return (
    <Page
      title={t("dashboard.title")}
      extra={
        <FilterBar label={t("common.filters")}>
          <YearSelect id="dashboard-year" value={year} onChange={(y) => setYear(y ?? workingYear)} />
        </FilterBar>
      }
    >
      <Loadable state={dashboard}>
        {(d) => (
          <>
            <KpiCards totals={d.totals} />
            <Typography.Paragraph type="secondary" data-testid="dashboard-as-of">
              {t("dashboard.asOf", { time: formatDateTime(d.as_of) })}
            </Typography.Paragraph>
            <Section title={t("dashboard.spending")}>
              {d.spending_by_month.length ? <SpendingChart months={d.spending_by_month} /> : <Empty description={t("dashboard.noData")} />}
            </Section>
            <Row gutter={[16, 16]}>
              <Col xs={24} xl={12}>
                <Section title={t("dashboard.beneficiaries")}>
                  {d.beneficiaries_by_category.length ? (
                    <BeneficiariesChart rows={d.beneficiaries_by_category} />
                  ) : (
                    <Empty description={t("dashboard.noData")} />
                  )}
                </Section>
              </Col>
              <Col xs={24} xl={12}>
                <Section title={t("dashboard.coverage")}>
                  {d.coverage.length ? <CoverageChart rows={d.coverage} /> : <Empty description={t("dashboard.noData")} />}
                </Section>
              </Col>
            </Row>
          </>
        )}
      </Loadable>
    </Page>
  );
}

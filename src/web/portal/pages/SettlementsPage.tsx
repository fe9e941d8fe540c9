import { Card, Empty, Flex, Pagination, Typography } from "antd";
import { useState } from "react";
import { CodeTag, STATUS_COLORS } from "../../components/CodeTag";
import { Loadable } from "../../components/Loadable";
import { Money } from "../../components/Money";
import { Page } from "../../components/Page";
import { useI18n } from "../../i18n";
import { listSettlements } from "../../lib/api";
import { formatDate, sumYuan } from "../../lib/format";
import { Link } from "../../lib/router";
import type { SettlementListItem } from "../../lib/types";
import { useApi } from "../../lib/useApi";
import { portalSettlementPath } from "../portalPaths";

const PAGE_SIZE = 10;

/** My settlements, newest first (the server gives an insured person only their own). */
export default function SettlementsPage() {
  const { t } = useI18n();
  const [page, setPage] = useState(1);
  const settlements = useApi(`my-settlements:${page}`, () => listSettlements({ page, page_size: PAGE_SIZE }));
  return (
    <Page title={t("portal.settlements")}>
      <Loadable state={settlements}>
        {(s) =>
          s.items.length === 0 ? (
            <Empty description={t("portal.noSettlements")} />
          ) : (
            <>
              <ul className="plain-list" aria-label={t("portal.settlements")}>
                {s.items.map((item) => (
                  <li key={item.setl_id}>
                    <SettlementCard item={item} />
                  </li>
                ))}
              </ul>
              <Pagination current={s.page} pageSize={s.page_size} total={s.total} onChange={setPage} hideOnSinglePage simple style={{ textAlign: "center" }} />
            </>
          )
        }
      </Loadable>
    </Page>
  );
}

function SettlementCard({ item }: { item: SettlementListItem }) {
  const { t } = useI18n();
  return (
    <Link to={portalSettlementPath(item.setl_id)} className="card-link" data-testid="portal-settlement-row">
      <Card size="small" hoverable>
        <Flex justify="space-between" gap="small" wrap>
          <Typography.Text strong>{item.fixmedins_name}</Typography.Text>
          <Typography.Text type="secondary">{formatDate(item.setl_time)}</Typography.Text>
        </Flex>
        <Flex justify="space-between" gap="small" wrap style={{ marginTop: 4 }}>
          <span>
            {item.med_type_name} <CodeTag prefix="setlStatus" code={item.status} color={STATUS_COLORS} />
          </span>
          <span>
            {t("portal.selfPaid")} <Money value={sumYuan(item.psn_cash_pay, item.acct_pay)} strong />
          </span>
        </Flex>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t("portal.total")} <Money value={item.medfee_sumamt} /> · {t("portal.fundPaid")} <Money value={item.fund_pay_sumamt} />
        </Typography.Text>
      </Card>
    </Link>
  );
}

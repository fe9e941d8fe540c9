import { ArrowLeftOutlined } from "@ant-design/icons";
import { Loadable } from "../../components/Loadable";
import { Page, Section } from "../../components/Page";
import { useI18n } from "../../i18n";
import { getSettlement, getSettlementList } from "../../lib/api";
import { Link, useParam } from "../../lib/router";
import { useApi } from "../../lib/useApi";
import { FeeLinesTable } from "./FeeLinesTable";
import { FundSteps } from "./FundSteps";
import { SettlementListSection } from "./SettlementListSection";
import { SplitDescriptions } from "./SplitDescriptions";
import { VisitDescriptions } from "./VisitDescriptions";

/** One settlement: the visit, the split, each fund's explanation and every fee line's split. */
export default function SettlementPage() {
  const { t } = useI18n();
  const setlId = useParam("setl_id");
  const detail = useApi(`settlement:${setlId}`, () => getSettlement(setlId));
  const list = useApi(`settlement-list:${setlId}`, () => getSettlementList(setlId));

  return (
    <Page
      title={t("settlement.title", { id: setlId })}
      extra={
        <Link to="/console/settlements">
          <ArrowLeftOutlined aria-hidden /> {t("settlements.title")}
        </Link>
      }
    >
      <Loadable state={detail}>
        {(d) => (
          <>
            <Section title={t("settlement.visit")}>
              <VisitDescriptions s={d.settlement} />
            </Section>
            <Section title={t("settlement.split")}>
              <SplitDescriptions settlement={d.settlement} />
            </Section>
            <Section title={t("settlement.explanation")}>
              <FundSteps steps={d.steps} funds={d.funds} />
            </Section>
            <Section title={t("settlement.lines")}>
              <FeeLinesTable lines={d.lines} />
            </Section>
            {list.data?.list ? (
              <Section title={t("setlList.title")} testId="settlement-list-section">
                <SettlementListSection list={list.data.list} />
              </Section>
            ) : null}
          </>
        )}
      </Loadable>
    </Page>
  );
}

import { Col, Row, Statistic } from "antd";
import { useState } from "react";
import { countColumn, moneyColumn, textColumn } from "../../../components/columns";
import { DataTable, pagingOf } from "../../../components/DataTable";
import { Field, FilterBar } from "../../../components/Field";
import { Loadable } from "../../../components/Loadable";
import { OptionalSelect } from "../../../components/OptionalSelect";
import { useI18n } from "../../../i18n";
import { getSubsidyRegister } from "../../../lib/api";
import { formatRatio, formatYuan } from "../../../lib/format";
import { Link } from "../../../lib/router";
import { CATEGORIES, type RegisterLine, type SubsidyRegister } from "../../../lib/types";
import { useApi } from "../../../lib/useApi";
import { personPath } from "../../paths";

const PAGE_SIZE = 20;

type CategoryTotal = SubsidyRegister["totals"]["by_category"][number];

/** The 资助参保 register of a year: who was subsidized, in which category, how much, from which fund. */
export function RegisterSection({ year }: { year: number }) {
  const { t, tryT } = useI18n();
  const [category, setCategory] = useState<string | undefined>(undefined);
  const [page, setPage] = useState(1);
  const register = useApi(`register:${year}:${category ?? ""}:${page}`, () => getSubsidyRegister({ year, category, page, page_size: PAGE_SIZE }));
  const categoryName = (code: string | null, name: string | null) => (code ? tryT(`categoryName.${code}`, name ?? code) : "—");

  return (
    <>
      <FilterBar label={`${t("subsidies.register")} · ${t("common.filters")}`}>
        <Field label={t("subsidies.category")} htmlFor="register-category">
          <OptionalSelect<string>
            id="register-category"
            value={category}
            onChange={(c) => {
              setCategory(c);
              setPage(1);
            }}
            noneLabel={t("common.all")}
            options={CATEGORIES.map((c) => ({ value: c, label: tryT(`categoryName.${c}`, c) }))}
          />
        </Field>
      </FilterBar>
      <Loadable state={register}>
        {(r) => (
          <>
            <Row gutter={[16, 16]} style={{ margin: "12px 0" }}>
              <Col xs={12} md={6}>
                <Statistic title={t("subsidies.totalPersons")} value={r.totals.persons} />
              </Col>
              <Col xs={12} md={6}>
                <Statistic title={t("subsidies.totalAmount")} value={formatYuan(r.totals.assistance_subsidy)} />
              </Col>
            </Row>
            <DataTable<CategoryTotal>
              label={`${t("subsidies.register")} · ${t("subsidies.category")}`}
              rowKey={(c) => c.category ?? "none"}
              size="small"
              dataSource={r.totals.by_category}
              columns={[
                { title: t("subsidies.category"), key: "category", render: (_: unknown, c) => categoryName(c.category, c.category_name) },
                countColumn(t("subsidies.persons"), "persons"),
                moneyColumn(t("contribution.assistance_subsidy"), "assistance_subsidy"),
              ]}
            />
            <div style={{ height: 16 }} />
            <DataTable<RegisterLine>
              label={t("subsidies.register")}
              testId="subsidy-register"
              rowTestId="register-row"
              rowKey={(l) => `${l.psn_no}:${l.admdvs}:${l.category ?? ""}`}
              loading={register.loading}
              dataSource={r.items}
              pagination={pagingOf(t, r, setPage)}
              columns={[
                { title: t("field.psn_name"), dataIndex: "psn_name", key: "psn_name", render: (n: string, l) => <Link to={personPath(l.psn_no)}>{n}</Link> },
                textColumn(t("field.certno"), "certno"),
                textColumn(t("common.region"), "admdvs"),
                { title: t("subsidies.category"), key: "category", render: (_: unknown, l) => categoryName(l.category, l.category_name) },
                { title: t("contribution.share"), dataIndex: "share", key: "share", align: "right", render: (v: number) => formatRatio(v) },
                moneyColumn(t("contribution.assistance_subsidy"), "assistance_subsidy"),
                textColumn(t("subsidies.fund"), "subsidy_fund_name"),
                textColumn(t("subsidies.fromMonth"), "from_month", { align: "right" }),
              ]}
            />
          </>
        )}
      </Loadable>
    </>
  );
}

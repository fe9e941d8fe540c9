import { Empty, Select, Typography } from "antd";
import { useState } from "react";
import { Field, FilterBar } from "../../components/Field";
import { Loadable } from "../../components/Loadable";
import { Page } from "../../components/Page";
import { useI18n } from "../../i18n";
import { getPolicy, listPolicies } from "../../lib/api";
import { useUser } from "../../lib/auth";
import type { PolicySummary } from "../../lib/types";
import { useApi } from "../../lib/useApi";
import { PolicyView } from "./PolicyView";

/** The policy of a region and year, as its document says it, made readable. */
export default function PolicyPage() {
  const { t } = useI18n();
  const policies = useApi("policies", listPolicies);
  return (
    <Page title={t("policy.title")}>
      <Loadable state={policies}>{(p) => (p.items.length ? <PolicyChooser items={p.items} /> : <Empty description={t("policy.none")} />)}</Loadable>
    </Page>
  );
}

/** 451000 covers 4510xx, 450000 covers 45xxxx (as the server's regions.ts). */
const covers = (scope: string, admdvs: string) => admdvs.startsWith(scope.replace(/(00)+$/, ""));

function PolicyChooser({ items }: { items: PolicySummary[] }) {
  const { t } = useI18n();
  const user = useUser();
  // The user's own region first, its latest year; another region's policy stays one choice away.
  const mine = items.filter((p) => covers(user.admdvs, p.admdvs)).sort((a, b) => b.year - a.year);
  const first = mine[0] ?? items[0];
  const [admdvs, setAdmdvs] = useState(first?.admdvs ?? "");
  const years = items.filter((p) => p.admdvs === admdvs).map((p) => p.year).sort((a, b) => b - a);
  const [chosenYear, setYear] = useState(first?.year ?? 0);
  const year = years.includes(chosenYear) ? chosenYear : (years[0] ?? 0);
  const regions = [...new Map(items.map((p) => [p.admdvs, p.admdvs_name])).entries()];
  const policy = useApi(admdvs && year ? `policy:${admdvs}:${year}` : null, () => getPolicy(admdvs, year));

  return (
    <>
      <FilterBar label={t("policy.choose")}>
        <Field label={t("common.region")} htmlFor="policy-region">
          <Select
            id="policy-region"
            value={admdvs}
            onChange={setAdmdvs}
            className="select-wide"
            options={regions.map(([code, name]) => ({ value: code, label: `${name}（${code}）` }))}
          />
        </Field>
        <Field label={t("common.year")} htmlFor="policy-year">
          <Select id="policy-year" value={year} onChange={setYear} className="select-year" options={years.map((y) => ({ value: y, label: String(y) }))} />
        </Field>
      </FilterBar>
      <Loadable state={policy}>
        {(p) => (
          <>
            <Typography.Title level={2} className="section-title">
              {p.name}（{p.policy_id}）
            </Typography.Title>
            <PolicyView document={p.document} />
          </>
        )}
      </Loadable>
    </>
  );
}

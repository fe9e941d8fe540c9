import { Button, DatePicker, Tag } from "antd";
import type { Dayjs } from "dayjs";
import dayjs from "dayjs";
import { useState } from "react";
import { countColumn, moneyColumn, textColumn } from "../../components/columns";
import { DataTable } from "../../components/DataTable";
import { Field, FilterBar } from "../../components/Field";
import { Loadable } from "../../components/Loadable";
import { Page, Section } from "../../components/Page";
import { useWorkingYear } from "../../components/YearSelect";
import { useI18n } from "../../i18n";
import { getReconciliation } from "../../lib/api";
import { useUser } from "../../lib/auth";
import type { LedgerAmounts, ReconciliationQuery, ReconciliationRow } from "../../lib/types";
import { useApi } from "../../lib/useApi";
import { HospitalSelect } from "../settlement/HospitalSelect";

const AMOUNTS: (keyof LedgerAmounts)[] = ["medfee_sumamt", "fund_pay_sumamt", "acct_pay", "psn_cash_pay"];

const iso = (d: Dayjs | null) => (d ? d.format("YYYY-MM-DD") : undefined);

/** The platform's settlements against the fund ledger per hospital (资金账账相符). */
export default function ReconciliationPage() {
  const workingYear = useWorkingYear();
  const { t } = useI18n();
  const user = useUser();
  const [from, setFrom] = useState<Dayjs | null>(dayjs(`${workingYear}-01-01`));
  const [to, setTo] = useState<Dayjs | null>(dayjs(`${workingYear}-12-31`));
  const [hospital, setHospital] = useState<string | undefined>(undefined);
  const [query, setQuery] = useState<ReconciliationQuery>({ date_from: iso(from), date_to: iso(to) });
  const rows = useApi(`reconciliation:${JSON.stringify(query)}`, () => getReconciliation(query));

  const group = (side: "platform" | "ledger") => ({
    title: t(`reconciliation.${side}`),
    key: side,
    children: AMOUNTS.map((field) =>
      moneyColumn<ReconciliationRow>(t(`split.${field}`), [side, field]),
    ),
  });

  return (
    <Page title={t("reconciliation.title")}>
      <FilterBar label={t("common.filters")} onSubmit={() => setQuery({ date_from: iso(from), date_to: iso(to), fixmedins_code: hospital })}>
        <Field label={t("reconciliation.from")} htmlFor="reconciliation-from">
          <DatePicker id="reconciliation-from" value={from} onChange={setFrom} />
        </Field>
        <Field label={t("reconciliation.to")} htmlFor="reconciliation-to">
          <DatePicker id="reconciliation-to" value={to} onChange={setTo} />
        </Field>
        {user.role === "hospital" ? null : <HospitalSelect id="reconciliation-hospital" value={hospital} onChange={setHospital} />}
        <Button type="primary" htmlType="submit">
          {t("common.search")}
        </Button>
      </FilterBar>
      <Section title={t("reconciliation.title")}>
        <Loadable state={rows}>
          {(r) => (
            <DataTable<ReconciliationRow>
              label={t("reconciliation.title")}
              testId="reconciliation-table"
              rowTestId="reconciliation-row"
              rowKey="fixmedins_code"
              bordered
              dataSource={r.items}
              columns={[
                textColumn(t("hospital.name"), "fixmedins_name"),
                countColumn(t("hospital.settlements"), "settlements"),
                countColumn(t("reconciliation.reversed"), "reversed"),
                group("platform"),
                group("ledger"),
                {
                  title: t("reconciliation.balanced"),
                  dataIndex: "balanced",
                  key: "balanced",
                  render: (v: boolean) => <Tag color={v ? "green" : "red"}>{v ? t("reconciliation.balanced") : t("reconciliation.unbalanced")}</Tag>,
                },
              ]}
            />
          )}
        </Loadable>
      </Section>
    </Page>
  );
}

import { Button } from "antd";
import { useState } from "react";
import { countColumn, moneyColumn, textColumn } from "../../components/columns";
import { DataTable } from "../../components/DataTable";
import { Loadable } from "../../components/Loadable";
import { FilterBar } from "../../components/Field";
import { Page, Section } from "../../components/Page";
import { useWorkingYear, YearSelect } from "../../components/YearSelect";
import { useI18n } from "../../i18n";
import { listHospitals } from "../../lib/api";
import type { Hospital } from "../../lib/types";
import { useApi } from "../../lib/useApi";
import { useUser } from "../../lib/auth";
import { CredentialsDrawer } from "../identity/CredentialsDrawer";

/**
 * The designated hospitals the user may see, with their settlement totals; for administrators and auditors, each
 * hospital's credentials on the interface (administrators issue, rotate and revoke them).
 */
export default function HospitalsPage() {
  const workingYear = useWorkingYear();
  const { t, tryT } = useI18n();
  const me = useUser();
  const credentials = me.role === "admin" || me.role === "auditor";
  const [year, setYear] = useState(workingYear);
  const [open, setOpen] = useState<Hospital | null>(null);
  const hospitals = useApi(`hospitals:${year}`, () => listHospitals(year));
  return (
    <Page
      title={t("hospitals.title")}
      extra={
        <FilterBar label={t("common.filters")}>
          <YearSelect id="hospitals-year" value={year} onChange={(y) => setYear(y ?? workingYear)} />
        </FilterBar>
      }
    >
      <Section title={t("hospitals.title")}>
        <Loadable state={hospitals}>
          {(h) => (
            <DataTable<Hospital>
              label={t("hospitals.title")}
              testId="hospitals-table"
              rowTestId="hospital-row"
              rowKey="fixmedins_code"
              dataSource={h.items}
              pagination={h.items.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
              columns={[
                textColumn(t("hospital.code"), "fixmedins_code"),
                textColumn(t("hospital.name"), "fixmedins_name"),
                { title: t("hospital.level"), dataIndex: "medins_lv", key: "medins_lv", render: (v: string) => tryT(`level.${v}`, v) },
                { title: t("common.region"), dataIndex: "admdvs_name", key: "admdvs", render: (name: string, h) => `${name}（${h.admdvs}）` },
                countColumn(t("hospital.settlements"), "settlements"),
                moneyColumn(t("split.medfee_sumamt"), "medfee_sumamt"),
                moneyColumn(t("split.fund_pay_sumamt"), "fund_pay_sumamt"),
                ...(credentials
                  ? [{
                      title: t("hospital.credentials"),
                      key: "credentials",
                      render: (_: unknown, row: Hospital) => (
                        <Button size="small" onClick={() => setOpen(row)} aria-label={t("hisCred.manageAria", { code: row.fixmedins_code })} data-testid="hospital-credentials">
                          {t("hisCred.manage")}
                        </Button>
                      ),
                    }]
                  : []),
              ]}
            />
          )}
        </Loadable>
      </Section>
      {open ? <CredentialsDrawer hospital={open} manage={me.role === "admin"} onClose={() => setOpen(null)} /> : null}
    </Page>
  );
}

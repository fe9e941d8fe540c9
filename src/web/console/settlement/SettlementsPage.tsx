import { Button, Input } from "antd";
import { useState } from "react";
import { Field, FilterBar } from "../../components/Field";
import { OptionalSelect } from "../../components/OptionalSelect";
import { Page, Section } from "../../components/Page";
import { useWorkingYear, YearSelect } from "../../components/YearSelect";
import { useI18n } from "../../i18n";
import { useUser } from "../../lib/auth";
import type { SettlementQuery, SettlementStatus } from "../../lib/types";
import { HospitalSelect } from "./HospitalSelect";
import { SettlementsTable } from "./SettlementsTable";

type Filter = Omit<SettlementQuery, "page" | "page_size">;

/** Settlements by hospital, person, year and status (a hospital operator sees its own; the server scopes them). */
export default function SettlementsPage() {
  const workingYear = useWorkingYear();
  const { t } = useI18n();
  const user = useUser();
  const [draft, setDraft] = useState<Filter>({ year: workingYear });
  const [filter, setFilter] = useState<Filter>(draft);
  const edit = (change: Partial<Filter>) => setDraft((d) => ({ ...d, ...change }));

  return (
    <Page title={t("settlements.title")}>
      <FilterBar label={t("common.filters")} onSubmit={() => setFilter({ ...draft, psn_no: draft.psn_no?.trim() || undefined })}>
        {user.role === "hospital" ? null : (
          <HospitalSelect id="settlements-hospital" value={draft.fixmedins_code} onChange={(code) => edit({ fixmedins_code: code })} />
        )}
        <Field label={t("settlements.person")} htmlFor="settlements-person">
          <Input id="settlements-person" value={draft.psn_no ?? ""} onChange={(e) => edit({ psn_no: e.target.value })} allowClear data-testid="settlements-person" />
        </Field>
        <YearSelect id="settlements-year" value={draft.year} onChange={(year) => edit({ year })} allowAll />
        <Field label={t("common.status")} htmlFor="settlements-status">
          <OptionalSelect<SettlementStatus>
            id="settlements-status"
            value={draft.status}
            onChange={(status) => edit({ status })}
            className="select-year"
            noneLabel={t("common.all")}
            options={[
              { value: "settled", label: t("setlStatus.settled") },
              { value: "reversed", label: t("setlStatus.reversed") },
            ]}
          />
        </Field>
        <Button type="primary" htmlType="submit" data-testid="settlements-search">
          {t("common.search")}
        </Button>
      </FilterBar>
      <Section title={t("settlements.list")}>
        <SettlementsTable filter={filter} label={t("settlements.list")} />
      </Section>
    </Page>
  );
}

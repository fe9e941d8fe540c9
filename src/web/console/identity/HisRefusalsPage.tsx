import { Button, DatePicker, Input, Select, Tag } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { dateTimeColumn, textColumn } from "../../components/columns";
import { DataTable, pagingOf } from "../../components/DataTable";
import { ErrorView } from "../../components/ErrorView";
import { Field, FilterBar } from "../../components/Field";
import { Page, Section } from "../../components/Page";
import { useI18n } from "../../i18n";
import { listHisRefusals } from "../../lib/api";
import type { HisRefusal, HisRefusalQuery } from "../../lib/types";
import { useApi } from "../../lib/useApi";

const PAGE_SIZE = 50;
const REASONS = [
  "unsigned", "unknown_key", "revoked", "bad_signature", "stale_timestamp", "bad_nonce", "replayed_nonce", "body_digest",
  "institution_mismatch", "sign_no_of_other_credential", "rate_limited",
] as const;

const iso = (d: Dayjs | null) => (d ? d.format("YYYY-MM-DD") : undefined);

/**
 * Every request the hospital-facing interface refused for who sent it (no or a wrong signature, a revoked key, another
 * institution's code, a replay, a flood), newest first: what an auditor looks at when a hospital's HIS misbehaves or
 * someone probes the interface.
 */
export default function HisRefusalsPage() {
  const { t, tryT } = useI18n();
  const [page, setPage] = useState(1);
  const [hospital, setHospital] = useState("");
  const [reason, setReason] = useState<HisRefusalQuery["reason"]>(undefined);
  const [from, setFrom] = useState<Dayjs | null>(null);
  const [to, setTo] = useState<Dayjs | null>(null);
  const [query, setQuery] = useState<HisRefusalQuery>({});
  const refusals = useApi(`his-refusals:${JSON.stringify(query)}:${page}`, () => listHisRefusals({ ...query, page, page_size: PAGE_SIZE }));
  const search = () => {
    setPage(1);
    setQuery({ fixmedins_code: hospital.trim() || undefined, reason, date_from: iso(from), date_to: iso(to) });
  };
  return (
    <Page title={t("refusals.title")}>
      <FilterBar label={t("common.filters")} onSubmit={search}>
        <Field label={t("refusals.hospital")} htmlFor="refusals-hospital">
          <Input id="refusals-hospital" value={hospital} onChange={(e) => setHospital(e.target.value)} placeholder="H45100000001" allowClear />
        </Field>
        <Field label={t("refusals.reason")} htmlFor="refusals-reason">
          <Select
            id="refusals-reason"
            style={{ minWidth: 200 }}
            allowClear
            value={reason}
            onChange={(v: HisRefusalQuery["reason"]) => setReason(v)}
            placeholder={t("common.all")}
            options={REASONS.map((r) => ({ value: r, label: t(`refusalReason.${r}`) }))}
          />
        </Field>
        <Field label={t("refusals.dateFrom")} htmlFor="refusals-from">
          <DatePicker id="refusals-from" value={from} onChange={setFrom} />
        </Field>
        <Field label={t("refusals.dateTo")} htmlFor="refusals-to">
          <DatePicker id="refusals-to" value={to} onChange={setTo} />
        </Field>
        <Button type="primary" htmlType="submit" data-testid="refusals-search">
          {t("common.search")}
        </Button>
      </FilterBar>
      <Section title={t("refusals.title")}>
        {refusals.error ? (
          <ErrorView error={refusals.error} onRetry={refusals.reload} />
        ) : (
          <DataTable<HisRefusal>
            label={t("refusals.title")}
            testId="refusals-table"
            rowTestId="refusal-row"
            rowKey="id"
            loading={refusals.loading}
            dataSource={refusals.data?.items}
            pagination={pagingOf(t, refusals.data, setPage)}
            columns={[
              dateTimeColumn(t("refusals.at"), "at"),
              { title: t("refusals.reason"), dataIndex: "reason", key: "reason", render: (r: string) => <Tag color="red">{tryT(`refusalReason.${r}`, r)}</Tag> },
              { title: t("refusals.hospital"), key: "hospital", render: (_: unknown, r) => (r.fixmedins_code ? `${r.fixmedins_name ?? ""}（${r.fixmedins_code}）` : "—") },
              textColumn(t("refusals.infno"), "infno"),
              textColumn(t("refusals.accessKey"), "access_key"),
              textColumn(t("refusals.address"), "address"),
              textColumn(t("refusals.msgid"), "msgid"),
              textColumn(t("refusals.detail"), "detail", { ellipsis: true, width: 360 }),
            ]}
          />
        )}
      </Section>
    </Page>
  );
}

import { SearchOutlined } from "@ant-design/icons";
import { Button, Input, Typography } from "antd";
import { useState } from "react";
import { dateColumn, textColumn } from "../../components/columns";
import { DataTable, pagingOf } from "../../components/DataTable";
import { ErrorView } from "../../components/ErrorView";
import { Field, FilterBar } from "../../components/Field";
import { Page, Section } from "../../components/Page";
import { useI18n } from "../../i18n";
import { searchPersons } from "../../lib/api";
import { Link, navigate, setQuery, useLocation } from "../../lib/router";
import type { PersonSummary } from "../../lib/types";
import { useApi } from "../../lib/useApi";
import { personPath } from "../paths";

const PAGE_SIZE = 20;

/** Search by name or ID number; the query lives in the URL, so going back from a person finds the same results. */
export default function PersonsPage() {
  const { t, tryT } = useI18n();
  const { query } = useLocation();
  const q = query.get("q") ?? "";
  const page = Number(query.get("page") ?? 1) || 1;
  const [text, setText] = useState(q);
  const found = useApi(q ? `persons:${q}:${page}` : null, () => searchPersons({ q, page, page_size: PAGE_SIZE }));

  return (
    <Page title={t("persons.title")}>
      <FilterBar label={t("persons.searchLabel")} onSubmit={() => setQuery({ q: text.trim(), page: undefined })}>
        <Field label={t("persons.searchLabel")} htmlFor="person-search">
          <Input
            id="person-search"
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t("persons.searchPlaceholder")}
            allowClear
            autoFocus
            className="select-wide"
            data-testid="person-search"
          />
        </Field>
        <Button type="primary" htmlType="submit" icon={<SearchOutlined aria-hidden />} data-testid="person-search-submit">
          {t("common.search")}
        </Button>
      </FilterBar>
      {!q ? (
        <Typography.Paragraph type="secondary">{t("persons.hint")}</Typography.Paragraph>
      ) : found.error ? (
        <ErrorView error={found.error} onRetry={found.reload} />
      ) : (
        <Section title={t("persons.results")}>
          <DataTable<PersonSummary>
            label={t("persons.results")}
            testId="person-results"
            rowTestId="person-row"
            rowKey="psn_no"
            loading={found.loading}
            dataSource={found.data?.items}
            pagination={pagingOf(t, found.data, (p) => setQuery({ page: p }))}
            onRow={(r) => ({ onClick: () => navigate(personPath(r.psn_no)), style: { cursor: "pointer" } })}
            columns={[
              {
                title: t("field.psn_name"),
                dataIndex: "psn_name",
                key: "psn_name",
                render: (name: string, r) => (
                  <Link to={personPath(r.psn_no)} onClick={(e) => e.stopPropagation()} data-testid="person-link">
                    {name}
                  </Link>
                ),
              },
              textColumn(t("field.certno"), "certno"),
              { title: t("field.gend"), dataIndex: "gend", key: "gend", render: (g: string) => tryT(`gender.${g}`, g) },
              dateColumn(t("field.brdy"), "brdy"),
              textColumn(t("field.insuplc_admdvs"), "insuplc_admdvs"),
              textColumn(t("field.psn_no"), "psn_no"),
            ]}
          />
        </Section>
      )}
    </Page>
  );
}

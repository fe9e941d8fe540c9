import { FileAddOutlined } from "@ant-design/icons";
import { Button, Typography } from "antd";
import { Field, FilterBar } from "../../components/Field";
import { OptionalSelect } from "../../components/OptionalSelect";
import { Page, Section } from "../../components/Page";
import { RegionInput } from "../../components/RegionInput";
import { useI18n } from "../../i18n";
import { mayWrite, useUser } from "../../lib/auth";
import { navigate, setQuery, useLocation } from "../../lib/router";
import { APPLICATION_KINDS, APPLICATION_STATES, type ApplicationKind, type ApplicationQuery, type ApplicationState } from "../../lib/types";
import { newApplicationPath } from "../paths";
import { ApplicationsTable } from "./applications/ApplicationsTable";

/**
 * 依申请救助 and 再救助: the applications of the persons insured in the user's region, by state, kind and region (the
 * filters live in the address). Clerks and administrators file on a person's behalf from here, a warning or a person.
 */
export default function ApplicationsPage() {
  const { t } = useI18n();
  const user = useUser();
  const { query } = useLocation();
  const filter: Omit<ApplicationQuery, "page" | "page_size"> = {
    ...(query.get("state") ? { state: query.get("state") as ApplicationState } : {}),
    ...(query.get("kind") ? { kind: query.get("kind") as ApplicationKind } : {}),
    ...(query.get("admdvs") ? { admdvs: query.get("admdvs") as string } : {}),
  };

  return (
    <Page
      title={t("assistance.title")}
      extra={
        mayWrite(user.role) ? (
          <Button type="primary" icon={<FileAddOutlined aria-hidden />} onClick={() => navigate(newApplicationPath())} data-testid="assistance-file">
            {t("assistance.file")}
          </Button>
        ) : null
      }
    >
      <FilterBar label={t("common.filters")}>
        <Field label={t("common.status")} htmlFor="assistance-state">
          <OptionalSelect<ApplicationState>
            id="assistance-state"
            value={filter.state}
            onChange={(state) => setQuery({ state })}
            className="select-year"
            noneLabel={t("common.all")}
            options={APPLICATION_STATES.map((s) => ({ value: s, label: t(`applicationState.${s}`) }))}
          />
        </Field>
        <Field label={t("assistance.kind")} htmlFor="assistance-kind">
          <OptionalSelect<ApplicationKind>
            id="assistance-kind"
            value={filter.kind}
            onChange={(kind) => setQuery({ kind })}
            noneLabel={t("common.all")}
            options={APPLICATION_KINDS.map((k) => ({ value: k, label: t(`assistanceKind.${k}`) }))}
          />
        </Field>
        <Field label={t("assistance.region")} htmlFor="assistance-region">
          <RegionInput id="assistance-region" value={filter.admdvs} onChange={(admdvs) => setQuery({ admdvs })} placeholder={t("warnings.countyPlaceholder")} />
        </Field>
      </FilterBar>
      <Typography.Paragraph type="secondary">{t("assistance.rule")}</Typography.Paragraph>
      <Section title={t("assistance.list")}>
        <ApplicationsTable filter={filter} label={t("assistance.list")} />
      </Section>
    </Page>
  );
}

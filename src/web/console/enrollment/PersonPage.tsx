import { ArrowLeftOutlined, FileAddOutlined } from "@ant-design/icons";
import { Button } from "antd";
import { useState } from "react";
import { Loadable } from "../../components/Loadable";
import { useWorkingYear, YearSelect } from "../../components/YearSelect";
import { Page, Section } from "../../components/Page";
import { useI18n } from "../../i18n";
import { getPerson } from "../../lib/api";
import { mayWrite, useUser } from "../../lib/auth";
import { Link, navigate, useParam } from "../../lib/router";
import { useApi } from "../../lib/useApi";
import { AccumulatorsView } from "./person/AccumulatorsView";
import { CategoriesTable } from "./person/CategoriesTable";
import { EnrollmentsTable } from "./person/EnrollmentsTable";
import { PersonInfo } from "./person/PersonInfo";
import { SettlementsTable } from "../settlement/SettlementsTable";
import { ApplicationsTable } from "../assistance/applications/ApplicationsTable";
import { WarningsTable } from "../monitoring/warnings/WarningsTable";
import { newApplicationPath } from "../paths";

/**
 * A person: identity, categories, enrollments with their contributions, this year's accumulators, settlements, and the
 * person's warnings of catastrophic spending and applications for assistance (with their payments).
 */
export default function PersonPage() {
  const workingYear = useWorkingYear();
  const { t } = useI18n();
  const user = useUser();
  const psnNo = useParam("psn_no");
  const person = useApi(`person:${psnNo}`, () => getPerson(psnNo));
  // The accumulators of a chosen year (as of its last day); the rest of the page is as of today.
  const [year, setYear] = useState<number>(workingYear);
  const yearly = useApi(`person:${psnNo}:${year}`, () => getPerson(psnNo, `${year}-12-31`));

  return (
    <Page
      title={person.data?.psn_name ?? t("persons.title")}
      extra={
        <Link to="/console/persons">
          <ArrowLeftOutlined aria-hidden /> {t("persons.title")}
        </Link>
      }
    >
      <Loadable state={person}>
        {(p) => (
          <>
            <Section title={t("person.basic")} testId="person-basic">
              <PersonInfo person={p} />
            </Section>
            <Section title={t("person.categories")}>
              <CategoriesTable categories={p.categories} />
            </Section>
            <Section title={t("person.enrollments")}>
              <EnrollmentsTable enrollments={p.enrollments} />
            </Section>
            <Section title={t("person.accumulators", { year })} extra={<YearSelect id="person-accumulators-year" value={year} onChange={(y) => setYear(y ?? workingYear)} />}>
              <Loadable state={yearly}>{(y) => <AccumulatorsView accumulators={y.accumulators} />}</Loadable>
            </Section>
            <Section title={t("person.settlements")}>
              <SettlementsTable filter={{ psn_no: p.psn_no }} label={t("person.settlements")} showPerson={false} />
            </Section>
            <Section title={t("person.warnings")} testId="person-warnings">
              <WarningsTable filter={{ psn_no: p.psn_no }} label={t("person.warnings")} showPerson={false} />
            </Section>
            <Section
              title={t("person.applications")}
              testId="person-applications"
              extra={
                mayWrite(user.role) ? (
                  <Button size="small" icon={<FileAddOutlined aria-hidden />} onClick={() => navigate(newApplicationPath({ psn_no: p.psn_no }))} data-testid="person-apply">
                    {t("warning.apply")}
                  </Button>
                ) : null
              }
            >
              <ApplicationsTable filter={{ psn_no: p.psn_no }} label={t("person.applications")} showPerson={false} />
            </Section>
          </>
        )}
      </Loadable>
    </Page>
  );
}

import { ArrowLeftOutlined } from "@ant-design/icons";
import { useState } from "react";
import { Loadable } from "../../components/Loadable";
import { useWorkingYear, YearSelect } from "../../components/YearSelect";
import { Page, Section } from "../../components/Page";
import { useI18n } from "../../i18n";
import { getPerson } from "../../lib/api";
import { Link, useParam } from "../../lib/router";
import { useApi } from "../../lib/useApi";
import { AccumulatorsView } from "./person/AccumulatorsView";
import { CategoriesTable } from "./person/CategoriesTable";
import { EnrollmentsTable } from "./person/EnrollmentsTable";
import { PersonInfo } from "./person/PersonInfo";
import { SettlementsTable } from "../settlement/SettlementsTable";

/** A person: identity, categories, enrollments with their contributions, this year's accumulators, settlements. */
export default function PersonPage() {
  const workingYear = useWorkingYear();
  const { t } = useI18n();
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
          </>
        )}
      </Loadable>
    </Page>
  );
}

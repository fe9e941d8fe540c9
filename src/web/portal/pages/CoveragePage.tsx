import { Card, Empty, Flex, Tag, Typography } from "antd";
import { AmountList } from "../../components/AmountList";
import { CodeTag, STATUS_COLORS } from "../../components/CodeTag";
import { Loadable } from "../../components/Loadable";
import { Page } from "../../components/Page";
import { useI18n } from "../../i18n";
import { getMe } from "../../lib/api";
import type { Me, MyEnrollment } from "../../lib/types";
import { useApi } from "../../lib/useApi";

/** My coverage: each year's enrollments and who paid the contribution (me, the treasury, medical assistance). */
export default function CoveragePage() {
  const { t } = useI18n();
  const me = useApi("me", getMe);
  return (
    <Page title={t("portal.coverage")}>
      <Loadable state={me}>
        {(m) => (
          <>
            <PersonCard me={m} />
            {m.years.length === 0 ? <Empty description={t("portal.noEnrollment")} /> : null}
            {[...m.years]
              .sort((a, b) => b.year - a.year)
              .map((y) => (
                <section key={y.year} aria-labelledby={`year-${y.year}`}>
                  <h2 id={`year-${y.year}`} className="section-title" style={{ margin: "8px 0" }}>
                    {t("portal.year", { year: y.year })}
                  </h2>
                  <Flex vertical gap="small">
                    {y.enrollments.map((e) => (
                      <EnrollmentCard key={`${y.year}:${e.insutype}`} enrollment={e} />
                    ))}
                  </Flex>
                </section>
              ))}
          </>
        )}
      </Loadable>
    </Page>
  );
}

function PersonCard({ me }: { me: Me }) {
  const { tryT } = useI18n();
  const inForce = me.categories.filter((c) => c.in_force);
  return (
    <Card size="small" data-testid="portal-person">
      <Typography.Text strong>{me.person.psn_name}</Typography.Text>
      <div>
        <Typography.Text type="secondary">
          {me.person.certno} · {me.person.admdvs_name}
        </Typography.Text>
      </div>
      {inForce.length ? (
        <Flex wrap gap={4} style={{ marginTop: 8 }}>
          {inForce.map((c) => (
            <Tag key={c.psn_idet_type} color="blue">
              {tryT(`categoryName.${c.psn_idet_type}`, c.name)}
            </Tag>
          ))}
        </Flex>
      ) : null}
    </Card>
  );
}

function EnrollmentCard({ enrollment: e }: { enrollment: MyEnrollment }) {
  const { t, tryT } = useI18n();
  const c = e.contributions;
  return (
    <Card
      size="small"
      data-testid="portal-enrollment"
      title={
        <Flex justify="space-between" align="center" gap="small" wrap>
          <span>{tryT(`insutype.${e.insutype}`, e.insutype_name)}</span>
          <CodeTag prefix="enrollmentStatus" code={e.status} color={STATUS_COLORS} />
        </Flex>
      }
    >
      <AmountList
        items={[
          { key: "individual", label: t("portal.individual"), value: c.individual },
          { key: "fiscal_subsidy", label: t("portal.fiscal"), value: c.fiscal_subsidy },
          {
            key: "assistance_subsidy",
            label: t("portal.assistance"),
            value: c.assistance_subsidy,
            note: c.category ? t("portal.subsidyCategory", { name: tryT(`categoryName.${c.category}`, c.category_name ?? c.category) }) : undefined,
          },
          { key: "paid_by_person", label: t("portal.paidByPerson"), value: c.paid_by_person, strong: true },
        ]}
      />
      {c.reasons.length ? (
        <ul className="reasons">
          {c.reasons.map((reason, i) => (
            <li key={i}>
              <Typography.Text type="secondary">{reason}</Typography.Text>
            </li>
          ))}
        </ul>
      ) : null}
    </Card>
  );
}

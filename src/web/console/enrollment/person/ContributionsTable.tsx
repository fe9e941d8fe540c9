import { Table, Typography } from "antd";
import { CodeTag } from "../../../components/CodeTag";
import { moneyColumn, textColumn } from "../../../components/columns";
import { DataTable } from "../../../components/DataTable";
import { Loadable } from "../../../components/Loadable";
import { Money } from "../../../components/Money";
import { useI18n } from "../../../i18n";
import { getContributions } from "../../../lib/api";
import { formatRatio } from "../../../lib/format";
import type { Contribution } from "../../../lib/types";
import { useApi } from "../../../lib/useApi";

/** One enrollment's contributions: who paid what (person, treasury, medical assistance by category), and why. */
export function ContributionsTable({ enrollmentId }: { enrollmentId: number }) {
  const { t, tryT } = useI18n();
  const loaded = useApi(`contributions:${enrollmentId}`, () => getContributions(enrollmentId));
  return (
    <Loadable state={loaded}>
      {(c) => (
        <DataTable<Contribution>
          label={`${t("person.contributions")} ${enrollmentId}`}
          testId={`contributions-${enrollmentId}`}
          rowKey="id"
          dataSource={c.contributions}
          locale={{ emptyText: c.note ?? undefined }}
          columns={[
            { title: t("contribution.kind"), dataIndex: "kind", key: "kind", render: (k: string) => <CodeTag prefix="contributionKind" code={k} /> },
            moneyColumn(t("contribution.individual"), "individual"),
            moneyColumn(t("contribution.person_paid"), "person_paid"),
            moneyColumn(t("contribution.fiscal_subsidy"), "fiscal_subsidy"),
            moneyColumn(t("contribution.assistance_subsidy"), "assistance_subsidy"),
            {
              title: t("contribution.category"),
              dataIndex: "category",
              key: "category",
              render: (code: string | null, r) => (code ? tryT(`categoryName.${code}`, r.category_name ?? code) : "—"),
            },
            { title: t("contribution.share"), dataIndex: "share", key: "share", align: "right", render: (v: number) => formatRatio(v) },
            textColumn(t("contribution.subsidy_fund_name"), "subsidy_fund_name"),
            textColumn(t("contribution.effective_month"), "effective_month", { align: "right" }),
            {
              title: t("contribution.reason"),
              dataIndex: "reason",
              key: "reason",
              render: (v: string) => <Typography.Text className="reason-text">{v}</Typography.Text>,
            },
          ]}
          summary={() =>
            c.contributions.length > 1 ? (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>{t("contribution.totals")}</Table.Summary.Cell>
                {[c.totals.individual, c.totals.person_paid, c.totals.fiscal_subsidy, c.totals.assistance_subsidy].map((v, i) => (
                  <Table.Summary.Cell key={i} index={i + 1} align="right">
                    <Money value={v} strong />
                  </Table.Summary.Cell>
                ))}
                <Table.Summary.Cell index={5} colSpan={5} />
              </Table.Summary.Row>
            ) : null
          }
        />
      )}
    </Loadable>
  );
}

import { Descriptions, Tag } from "antd";
import { Loadable } from "../../../components/Loadable";
import { useI18n } from "../../../i18n";
import { getPerson } from "../../../lib/api";
import { Link } from "../../../lib/router";
import { useApi } from "../../../lib/useApi";
import { personPath } from "../../paths";

/**
 * The person an application is filed for, as the register has them today: name, number, insured region and the
 * categories in force — what the clerk needs to judge whether a certificate of difficulty is called for.
 */
export function ApplicantCard({ psnNo }: { psnNo: string }) {
  const { t, tryT } = useI18n();
  const person = useApi(`applicant:${psnNo}`, () => getPerson(psnNo));
  return (
    <Loadable state={person}>
      {(p) => {
        const inForce = p.categories.filter((c) => c.in_force);
        return (
          <Descriptions
            size="small"
            bordered
            column={{ xs: 1, sm: 2 }}
            data-testid="applicant"
            items={[
              { key: "name", label: t("field.psn_name"), children: <Link to={personPath(p.psn_no)}>{p.psn_name}</Link> },
              { key: "certno", label: t("field.certno"), children: p.certno },
              { key: "admdvs", label: t("field.insuplc_admdvs"), children: p.insuplc_admdvs },
              {
                key: "categories",
                label: t("person.categories"),
                children: inForce.length
                  ? inForce.map((c) => (
                      <Tag key={c.psn_idet_type} color="blue">
                        {tryT(`categoryName.${c.psn_idet_type}`, c.name)}
                      </Tag>
                    ))
                  : t("person.noCategories"),
              },
            ]}
          />
        );
      }}
    </Loadable>
  );
}

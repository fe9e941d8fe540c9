import { Descriptions } from "antd";
import { Money } from "../../../components/Money";
import { useI18n } from "../../../i18n";
import { formatDate, orDash } from "../../../lib/format";
import type { PersonDetail } from "../../../lib/types";

export function PersonInfo({ person }: { person: PersonDetail }) {
  const { t, tryT } = useI18n();
  const yesNo = (v: boolean) => (v ? t("common.yes") : t("common.no"));
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, sm: 2, lg: 3 }}
      items={[
        { key: "psn_no", label: t("field.psn_no"), children: person.psn_no },
        { key: "certno", label: t("field.certno"), children: person.certno },
        { key: "gend", label: t("field.gend"), children: tryT(`gender.${person.gend}`, person.gend) },
        { key: "brdy", label: t("field.brdy"), children: formatDate(person.brdy) },
        { key: "age", label: t("field.age"), children: person.age },
        { key: "insuplc", label: t("field.insuplc_admdvs"), children: person.insuplc_admdvs },
        { key: "naty", label: t("field.naty"), children: orDash(person.naty) },
        { key: "tel", label: t("field.tel"), children: orDash(person.tel) },
        { key: "emp", label: t("field.emp_name"), children: orDash(person.emp_name) },
        { key: "balc", label: t("field.balc"), children: <Money value={person.balc} /> },
        { key: "household", label: t("field.household_id"), children: orDash(person.household_id) },
        { key: "rural", label: t("person.rural"), children: yesNo(person.rural) },
      ]}
    />
  );
}

import { Descriptions } from "antd";
import { CodeTag, STATUS_COLORS } from "../../components/CodeTag";
import { Money } from "../../components/Money";
import { useI18n } from "../../i18n";
import { useUser } from "../../lib/auth";
import { formatDateTime, orDash } from "../../lib/format";
import { Link } from "../../lib/router";
import type { Settlement } from "../../lib/types";
import { personPath } from "../paths";

/** Who, where, when and under which policy, with the three totals. */
export function VisitDescriptions({ s }: { s: Settlement }) {
  const { t, tryT } = useI18n();
  const user = useUser();
  const personLink = user.role !== "hospital";
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, sm: 2, lg: 3 }}
      items={[
        {
          key: "person",
          label: t("setl.psn_name"),
          children: personLink ? <Link to={personPath(s.psn_no)}>{s.psn_name}</Link> : s.psn_name,
        },
        { key: "certno", label: t("field.certno"), children: s.certno },
        { key: "hospital", label: t("setl.fixmedins_name"), children: `${s.fixmedins_name}（${s.fixmedins_code}）` },
        { key: "time", label: t("setl.setl_time"), children: formatDateTime(s.setl_time) },
        { key: "med_type", label: t("setl.med_type_name"), children: s.med_type_name },
        { key: "insutype", label: t("setl.insutype"), children: tryT(`insutype.${s.insutype}`, s.insutype) },
        { key: "policy", label: t("setl.policy_id"), children: s.policy_id },
        {
          key: "tilt",
          label: t("setl.tilt_category_name"),
          children: s.tilt_category ? tryT(`categoryName.${s.tilt_category}`, s.tilt_category_name ?? s.tilt_category) : "—",
        },
        {
          key: "assistance",
          label: t("setl.assistance_category_name"),
          children: s.assistance_category ? tryT(`categoryName.${s.assistance_category}`, s.assistance_category_name ?? s.assistance_category) : "—",
        },
        { key: "mdtrt", label: t("setl.mdtrt_id"), children: orDash(s.mdtrt_id) },
        { key: "status", label: t("common.status"), children: <CodeTag prefix="setlStatus" code={s.status} color={STATUS_COLORS} /> },
        { key: "medfee", label: t("split.medfee_sumamt"), children: <Money value={s.medfee_sumamt} strong /> },
        { key: "fund", label: t("split.fund_pay_sumamt"), children: <Money value={s.fund_pay_sumamt} strong /> },
        { key: "cash", label: t("split.psn_cash_pay"), children: <Money value={s.psn_cash_pay} strong /> },
      ]}
    />
  );
}

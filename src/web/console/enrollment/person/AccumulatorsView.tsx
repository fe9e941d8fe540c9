import { Descriptions } from "antd";
import { Money } from "../../../components/Money";
import { useI18n } from "../../../i18n";
import type { Accumulators } from "../../../lib/types";

const FIELDS = [
  "outpatient_deductible_counted",
  "outpatient_basic_paid",
  "inpatient_chronic_basic_paid",
  "tier_two_base",
  "critical_illness_paid",
  "large_amount_paid",
  "assistance_base",
  "assistance_paid",
] as const;

export function AccumulatorsView({ accumulators }: { accumulators: Accumulators }) {
  const { t } = useI18n();
  return (
    <Descriptions
      size="small"
      bordered
      column={{ xs: 1, sm: 2, lg: 3 }}
      items={[
        ...FIELDS.map((f) => ({ key: f, label: t(`acc.${f}`), children: <Money value={accumulators[f]} /> })),
        ...Object.entries(accumulators.chronic_basic_paid).map(([code, v]) => ({
          key: `chronic-${code}`,
          label: t("acc.chronic_basic_paid", { code }),
          children: <Money value={v} />,
        })),
      ]}
    />
  );
}

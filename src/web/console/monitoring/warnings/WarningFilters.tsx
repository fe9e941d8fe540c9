import { Button, InputNumber } from "antd";
import { useState } from "react";
import { Field, FilterBar } from "../../../components/Field";
import { OptionalSelect } from "../../../components/OptionalSelect";
import { RegionInput } from "../../../components/RegionInput";
import { useI18n } from "../../../i18n";
import { CATEGORIES, WARNING_STATES, type Category, type WarningQuery, type WarningState } from "../../../lib/types";

export type WarningFilter = Pick<WarningQuery, "state" | "category" | "admdvs" | "min_window_self_paid" | "proactive">;

/**
 * The list's filters: state, the assistance category held on the check date, the proactive list, the county (a region
 * code inside the user's), and the least self-paid over the window in yuan. Choices apply at once; the amount when the
 * field is left or Enter is pressed.
 */
export function WarningFilters({ value, onChange }: { value: WarningFilter; onChange(next: WarningFilter): void }) {
  const { t, tryT } = useI18n();
  const [amount, setAmount] = useState<number | null>(value.min_window_self_paid ? Number(value.min_window_self_paid) : null);
  const set = (changes: Partial<WarningFilter>) => onChange({ ...value, ...changes });
  const applyAmount = () => set({ min_window_self_paid: amount === null ? undefined : amount.toFixed(2) });
  return (
    <FilterBar label={t("common.filters")} onSubmit={applyAmount}>
      <Field label={t("common.status")} htmlFor="warnings-state">
        <OptionalSelect<WarningState>
          id="warnings-state"
          value={value.state}
          onChange={(state) => set({ state })}
          className="select-year"
          noneLabel={t("common.all")}
          options={WARNING_STATES.map((s) => ({ value: s, label: t(`warningState.${s}`) }))}
        />
      </Field>
      <Field label={t("warnings.category")} htmlFor="warnings-category">
        <OptionalSelect<Category>
          id="warnings-category"
          value={value.category}
          onChange={(category) => set({ category })}
          noneLabel={t("common.all")}
          options={CATEGORIES.map((c) => ({ value: c, label: tryT(`categoryName.${c}`, c) }))}
        />
      </Field>
      <Field label={t("warnings.proactive")} htmlFor="warnings-proactive">
        <OptionalSelect<"true" | "false">
          id="warnings-proactive"
          value={value.proactive}
          onChange={(proactive) => set({ proactive })}
          noneLabel={t("common.all")}
          options={[
            { value: "true", label: t("warnings.proactiveTrue") },
            { value: "false", label: t("warnings.proactiveFalse") },
          ]}
        />
      </Field>
      <Field label={t("warnings.county")} htmlFor="warnings-county">
        <RegionInput id="warnings-county" value={value.admdvs} onChange={(admdvs) => set({ admdvs })} placeholder={t("warnings.countyPlaceholder")} />
      </Field>
      <Field label={t("warnings.minAmount")} htmlFor="warnings-min-amount">
        <InputNumber<number>
          id="warnings-min-amount"
          value={amount}
          min={0}
          precision={2}
          step={1000}
          onChange={setAmount}
          onBlur={applyAmount}
          className="input-amount"
          data-testid="warnings-min-amount"
        />
      </Field>
      <Button htmlType="submit">{t("common.search")}</Button>
    </FilterBar>
  );
}

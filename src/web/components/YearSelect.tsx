import { Select } from "antd";
import { useI18n } from "../i18n";
import { useUser } from "../lib/auth";
import { Field } from "./Field";
import { OptionalSelect } from "./OptionalSelect";

const FIRST_YEAR = 2020;

/**
 * The year pages open on: the server's choice for the user (this year once it has settlements in the user's scope,
 * else the latest year that has — the demo's are of 2022).
 */
export function useWorkingYear(): number {
  return useUser().working_year;
}

export function yearOptions(): { value: number; label: string }[] {
  const last = new Date().getFullYear();
  const years: { value: number; label: string }[] = [];
  for (let y = last; y >= FIRST_YEAR; y -= 1) years.push({ value: y, label: String(y) });
  return years;
}

export function YearSelect({ id, value, onChange, allowAll }: { id: string; value: number | undefined; onChange(year: number | undefined): void; allowAll?: boolean }) {
  const { t } = useI18n();
  return (
    <Field label={t("common.year")} htmlFor={id}>
      {allowAll ? (
        <OptionalSelect<number> id={id} value={value} onChange={onChange} options={yearOptions()} noneLabel={t("common.all")} className="select-year" />
      ) : (
        <Select<number> id={id} value={value} onChange={onChange} options={yearOptions()} className="select-year" />
      )}
    </Field>
  );
}

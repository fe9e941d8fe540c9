import { Select } from "antd";
import { Field } from "../../components/Field";
import { useI18n } from "../../i18n";
import { listHospitals } from "../../lib/api";
import { useApi } from "../../lib/useApi";

/** Picks a designated hospital by name or code (the list the caller may see). */
export function HospitalSelect({ id, value, onChange }: { id: string; value: string | undefined; onChange(code: string | undefined): void }) {
  const { t } = useI18n();
  const hospitals = useApi("hospitals", () => listHospitals());
  return (
    <Field label={t("setl.fixmedins_name")} htmlFor={id}>
      <Select<string | undefined>
        id={id}
        value={value}
        onChange={onChange}
        allowClear
        showSearch={{ optionFilterProp: "label" }}
        loading={hospitals.loading}
        placeholder={t("common.all")}
        className="select-wide"
        options={(hospitals.data?.items ?? []).map((h) => ({ value: h.fixmedins_code, label: `${h.fixmedins_name}（${h.fixmedins_code}）` }))}
      />
    </Field>
  );
}

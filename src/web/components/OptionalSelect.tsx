import { Select } from "antd";

const NONE = "";

/**
 * A Select whose first option means "no value" (all, or: as the file says). Ant Design shows an undefined value as an
 * empty box, so that option carries "" on screen and undefined to the caller.
 */
export function OptionalSelect<T extends string | number>({
  id, value, onChange, options, noneLabel, className = "select-wide",
}: {
  id: string;
  value: T | undefined;
  onChange(value: T | undefined): void;
  options: { value: T; label: string }[];
  noneLabel: string;
  className?: string;
}) {
  return (
    <Select<T | typeof NONE>
      id={id}
      value={value ?? NONE}
      onChange={(v) => onChange(v === NONE ? undefined : (v as T))}
      className={className}
      options={[{ value: NONE, label: noneLabel }, ...options]}
    />
  );
}

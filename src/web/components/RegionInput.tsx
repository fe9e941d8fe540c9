import { Input } from "antd";
import { useState } from "react";

const CODE = /^\d{6}$/;

/**
 * A region code (6 digits) typed as a filter: what is typed is kept as a draft, and handed on only once it is a whole
 * code or empty, so a half-typed code never reaches the server. The server checks it lies inside the user's region.
 */
export function RegionInput({ id, value, onChange, placeholder }: { id: string; value: string | undefined; onChange(value: string | undefined): void; placeholder?: string }) {
  const [draft, setDraft] = useState(value ?? "");
  const partial = draft !== "" && !CODE.test(draft);
  return (
    <Input
      id={id}
      value={draft}
      inputMode="numeric"
      maxLength={6}
      allowClear
      placeholder={placeholder}
      status={partial ? "warning" : undefined}
      aria-invalid={partial || undefined}
      className="input-region"
      onChange={(event) => {
        const next = event.target.value.replace(/\D/g, "");
        setDraft(next);
        if (next === "") onChange(undefined);
        else if (CODE.test(next)) onChange(next);
      }}
    />
  );
}

import type { ReactNode } from "react";

/** A visible label bound to its control by id (AntD's Select and DatePicker put the id on their focusable input). */
export function Field({ label, htmlFor, children }: { label: string; htmlFor: string; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={htmlFor}>{label}</label>
      {children}
    </div>
  );
}

/** A row of filters, named for assistive technology. */
export function FilterBar({ label, children, onSubmit }: { label: string; children: ReactNode; onSubmit?: () => void }) {
  return (
    <form
      className="filter-bar"
      aria-label={label}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit?.();
      }}
    >
      {children}
    </form>
  );
}

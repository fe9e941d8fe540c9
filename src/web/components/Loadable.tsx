import { Spin } from "antd";
import type { ReactNode } from "react";
import { useI18n } from "../i18n";
import type { Loaded } from "../lib/useApi";
import { ErrorView } from "./ErrorView";

/** Shows a loaded value, the error that prevented it, or a spinner while the first answer is awaited. */
export function Loadable<T>({ state, children }: { state: Loaded<T>; children: (data: T) => ReactNode }) {
  const { t } = useI18n();
  if (state.error !== undefined) return <ErrorView error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <Loading label={t("app.loading")} />;
  return <>{children(state.data)}</>;
}

export function Loading({ label }: { label: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <Spin />
      <span className="sr-only">{label}</span>
    </div>
  );
}

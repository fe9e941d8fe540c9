import { Alert, Button, Result } from "antd";
import { useI18n } from "../i18n";
import { ApiError } from "../lib/http";

/** What a failed request shows: 403 and 404 as a full Result, anything else as an alert with a retry. */
export function ErrorView({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ApiError && error.status === 403) {
    return (
      <div data-testid="forbidden">
        <Result status="403" title={t("error.forbidden")} subTitle={message} />
      </div>
    );
  }
  if (error instanceof ApiError && error.status === 404) {
    return (
      <div data-testid="not-found">
        <Result status="404" title={t("error.notFound")} subTitle={message} />
      </div>
    );
  }
  const network = error instanceof ApiError && error.status === 0;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={t("error.generic")}
      description={network ? t("error.network") : message}
      action={onRetry ? <Button onClick={onRetry}>{t("error.retry")}</Button> : undefined}
    />
  );
}

import { Button, Result } from "antd";
import { useI18n } from "../i18n";

/** "No such page", with its own <h1> (it replaces a page). */
export function NotFoundResult() {
  const { t } = useI18n();
  return (
    <div data-testid="not-found">
      <Result
        status="404"
        title={<h1 className="result-title">{t("error.notFoundPage")}</h1>}
        extra={
          <Button type="primary" href="/">
            {t("error.home")}
          </Button>
        }
      />
    </div>
  );
}

/** A page the user may not open, with its own <h1>. */
export function ForbiddenResult({ message }: { message?: string }) {
  const { t } = useI18n();
  return (
    <div data-testid="forbidden">
      <Result status="403" title={<h1 className="result-title">{t("error.forbidden")}</h1>} subTitle={message} />
    </div>
  );
}

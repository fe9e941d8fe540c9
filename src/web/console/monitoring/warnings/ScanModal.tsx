import { Modal, Typography } from "antd";
import { useState } from "react";
import { ErrorView } from "../../../components/ErrorView";
import { useWorkingYear, YearSelect } from "../../../components/YearSelect";
import { useI18n } from "../../../i18n";
import { scanWarnings } from "../../../lib/api";
import type { WarningScan } from "../../../lib/types";

/** The scan of a year (clerks and administrators): every person of the region with settlements that year is checked. */
export function ScanModal({ onClose, onScanned }: { onClose(): void; onScanned(result: WarningScan): void }) {
  const { t } = useI18n();
  const workingYear = useWorkingYear();
  const [year, setYear] = useState(workingYear);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const scan = async () => {
    setBusy(true);
    setError(undefined);
    try {
      onScanned(await scanWarnings(year));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t("warnings.scanTitle")}
      onCancel={onClose}
      onOk={() => void scan()}
      okText={t("warnings.scan")}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      okButtonProps={{ "data-testid": "warnings-scan-confirm" }}
      destroyOnHidden
    >
      <Typography.Paragraph>{t("warnings.scanHint")}</Typography.Paragraph>
      <YearSelect id="warnings-scan-year" value={year} onChange={(y) => y !== undefined && setYear(y)} />
      {error !== undefined ? <ErrorView error={error} /> : null}
    </Modal>
  );
}

import { ReloadOutlined } from "@ant-design/icons";
import { Button, Card, Typography } from "antd";
import QRCode from "qrcode";
import { useCallback, useEffect, useState } from "react";
import { ErrorView } from "../../components/ErrorView";
import { Loading } from "../../components/Loadable";
import { Page } from "../../components/Page";
import { useI18n } from "../../i18n";
import { issueVoucher } from "../../lib/api";
import type { Voucher } from "../../lib/types";

/** Renew this long before the token expires, so the code on screen is never one the hospital would refuse. */
const RENEW_BEFORE_MS = 15_000;

interface Shown extends Voucher {
  /** When it expires by this browser's clock (the server's clock may differ; its TTL does not). */
  expiresAtMs: number;
  qr: string;
}

async function fetchVoucher(): Promise<Shown> {
  const v = await issueVoucher();
  const qr = await QRCode.toDataURL(v.token, { errorCorrectionLevel: "M", margin: 2, width: 320 });
  return { ...v, qr, expiresAtMs: Date.now() + v.ttl_seconds * 1000 };
}

/** The electronic medical-insurance voucher: a QR code of a short-lived signed token, renewed before it expires. */
export default function VoucherPage() {
  const { t } = useI18n();
  const [voucher, setVoucher] = useState<Shown | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [now, setNow] = useState(() => Date.now());

  const issue = useCallback(() => {
    fetchVoucher().then(
      (v) => {
        setVoucher(v);
        setNow(Date.now());
        setError(undefined);
      },
      (e: unknown) => setError(e),
    );
  }, []);

  useEffect(() => {
    issue();
    const tick = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(tick);
  }, [issue]);

  useEffect(() => {
    if (!voucher) return;
    const renewIn = Math.max(1000, voucher.expiresAtMs - Date.now() - Math.min(RENEW_BEFORE_MS, (voucher.ttl_seconds * 1000) / 4));
    const timer = window.setTimeout(issue, renewIn);
    return () => window.clearTimeout(timer);
  }, [voucher, issue]);

  const seconds = voucher ? Math.min(voucher.ttl_seconds, Math.max(0, Math.ceil((voucher.expiresAtMs - now) / 1000))) : 0;

  return (
    <Page title={t("voucher.title")}>
      {error !== undefined ? <ErrorView error={error} onRetry={issue} /> : null}
      {voucher ? (
        <Card>
          <div className="voucher">
            <img src={voucher.qr} alt={t("voucher.qrAlt")} width={280} height={280} data-testid="portal-voucher-qr" />
            <Typography.Text type="secondary" role="timer" aria-live="off" data-testid="portal-voucher-countdown" data-seconds={seconds}>
              {t("voucher.expiresIn", { seconds })}
            </Typography.Text>
            <Button icon={<ReloadOutlined aria-hidden />} onClick={issue} data-testid="portal-voucher-refresh">
              {t("voucher.refresh")}
            </Button>
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              {t("voucher.hint")}
            </Typography.Paragraph>
            <div>
              <Typography.Text type="secondary">{t("voucher.token")}</Typography.Text>
              <Typography.Paragraph copyable className="voucher-token" data-testid="portal-voucher-token" style={{ marginBottom: 0 }}>
                {voucher.token}
              </Typography.Paragraph>
            </div>
          </div>
        </Card>
      ) : error === undefined ? (
        <Loading label={t("app.loading")} />
      ) : null}
    </Page>
  );
}

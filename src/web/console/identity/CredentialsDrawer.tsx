import { App, Alert, Button, Drawer, Flex, Modal, Tag, Typography, type ButtonProps } from "antd";
import { useState } from "react";
import { dateTimeColumn, textColumn } from "../../components/columns";
import { DataTable } from "../../components/DataTable";
import { ErrorView } from "../../components/ErrorView";
import { useI18n } from "../../i18n";
import { issueHisCredential, listHisCredentials, revokeHisCredential, rotateHisCredential } from "../../lib/api";
import { formatDateTime } from "../../lib/format";
import type { HisCredential, Hospital, IssuedHisCredential } from "../../lib/types";
import { useApi } from "../../lib/useApi";

/**
 * A hospital's credentials on the interface: administrators issue, rotate and revoke them; auditors see them. A secret
 * comes back once, from issue or rotate, and is shown in a dialog that says so; the server cannot show it again.
 */
export function CredentialsDrawer({ hospital, manage, onClose }: { hospital: Hospital; manage: boolean; onClose(): void }) {
  const { t } = useI18n();
  const { modal, message } = App.useApp();
  const credentials = useApi(`his-credentials:${hospital.fixmedins_code}`, () => listHisCredentials(hospital.fixmedins_code));
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(undefined);
  const [shown, setShown] = useState<IssuedHisCredential | null>(null);

  const run = async (key: string, action: () => Promise<IssuedHisCredential | HisCredential>, done?: string) => {
    setBusy(key);
    setFailure(undefined);
    try {
      const answer = await action();
      if ("secret" in answer) setShown(answer);
      else if (done) void message.success(done);
      credentials.reload();
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
    }
  };

  const revoke = (c: HisCredential) =>
    modal.confirm({
      title: t("hisCred.revoke"),
      content: t("hisCred.revokeConfirm", { key: c.access_key }),
      okText: t("common.confirm"),
      cancelText: t("common.cancel"),
      okButtonProps: { danger: true, "data-testid": "his-credential-revoke-confirm" } as ButtonProps,
      onOk: () => run(c.access_key, () => revokeHisCredential(c.access_key), t("hisCred.revokedDone", { key: c.access_key })),
    });

  return (
    <Drawer
      open
      onClose={onClose}
      size="large"
      title={t("hisCred.title", { name: hospital.fixmedins_name, code: hospital.fixmedins_code })}
      data-testid="his-credentials"
      extra={manage ? (
        <Button type="primary" loading={busy === "issue"} onClick={() => void run("issue", () => issueHisCredential(hospital.fixmedins_code))} data-testid="his-credential-issue">
          {t("hisCred.issue")}
        </Button>
      ) : null}
    >
      {failure !== undefined ? <ErrorView error={failure} /> : null}
      {credentials.error ? (
        <ErrorView error={credentials.error} onRetry={credentials.reload} />
      ) : (
        <>
          {credentials.data && !credentials.data.items.some((c) => c.status === "active") ? <Alert type="warning" showIcon title={t("hisCred.none")} /> : null}
          <DataTable<HisCredential>
            label={t("hospital.credentials")}
            testId="his-credentials-table"
            rowTestId="his-credential-row"
            rowKey="access_key"
            loading={credentials.loading}
            dataSource={credentials.data?.items}
            pagination={false}
            columns={[
              textColumn(t("hisCred.accessKey"), "access_key"),
              textColumn(t("hisCred.fingerprint"), "fingerprint"),
              {
                title: t("common.status"),
                key: "status",
                render: (_: unknown, c) => <Tag color={c.status === "active" ? "green" : "default"}>{t(c.status === "active" ? "hisCred.active" : "hisCred.revoked")}</Tag>,
              },
              dateTimeColumn(t("hisCred.issuedAt"), "issued_at"),
              textColumn(t("hisCred.issuedBy"), "issued_by"),
              dateTimeColumn(t("hisCred.rotatedAt"), "rotated_at"),
              dateTimeColumn(t("hisCred.previousUntil"), "previous_valid_until"),
              ...(manage
                ? [{
                    title: t("common.actions"),
                    key: "actions",
                    render: (_: unknown, c: HisCredential) =>
                      c.status === "active" ? (
                        <Flex gap="small" wrap>
                          <Button size="small" loading={busy === c.access_key} onClick={() => void run(c.access_key, () => rotateHisCredential(c.access_key))} data-testid="his-credential-rotate">
                            {t("hisCred.rotate")}
                          </Button>
                          <Button size="small" danger onClick={() => revoke(c)} data-testid="his-credential-revoke">
                            {t("hisCred.revoke")}
                          </Button>
                        </Flex>
                      ) : null,
                  }]
                : []),
            ]}
          />
        </>
      )}
      {shown ? (
        <Modal open title={t("hisCred.secretTitle")} onOk={() => setShown(null)} onCancel={() => setShown(null)} okText={t("common.confirm")} cancelButtonProps={{ style: { display: "none" } }}>
          <Alert type="warning" showIcon title={t("hisCred.secretNote")} />
          <Typography.Paragraph>
            {t("hisCred.accessKey")}: <Typography.Text code copyable data-testid="his-credential-shown-key">{shown.access_key}</Typography.Text>
          </Typography.Paragraph>
          <Typography.Paragraph>
            {t("hisCred.secret")}: <Typography.Text code copyable data-testid="his-credential-secret">{shown.secret}</Typography.Text>
          </Typography.Paragraph>
          {shown.previous_valid_until ? <Typography.Paragraph>{t("hisCred.rotateNote", { until: formatDateTime(shown.previous_valid_until) })}</Typography.Paragraph> : null}
        </Modal>
      ) : null}
    </Drawer>
  );
}

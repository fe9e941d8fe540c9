import { Alert, Form, Input, Modal } from "antd";
import { useState } from "react";
import { ErrorView } from "../../components/ErrorView";
import { useI18n } from "../../i18n";
import { resetPassword } from "../../lib/api";
import type { UserRow } from "../../lib/types";

/**
 * An administrator sets a new password for a user who forgot theirs: the user's sessions end, and the next sign-in
 * leads to changing it (the administrator knows this one, so it must not stay).
 */
export function ResetPasswordModal({ user, onClose, onDone }: { user: UserRow; onClose(): void; onDone(user: UserRow): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ password: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const submit = async ({ password }: { password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      onDone(await resetPassword(user.username, password));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t("users.resetTitle", { name: user.username })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t("common.confirm")}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      okButtonProps={{ "data-testid": "user-reset-confirm" }}
      destroyOnHidden
    >
      <Alert type="info" showIcon title={t("users.resetHint")} style={{ marginBottom: 16 }} />
      <Form<{ password: string }> form={form} layout="vertical" name="reset-password" onFinish={(v) => void submit(v)}>
        <Form.Item name="password" label={t("users.newPassword")} extra={t("users.passwordRules")} rules={[{ required: true, min: 8, message: t("users.passwordRule") }]}>
          <Input.Password autoComplete="new-password" data-testid="user-reset-password" />
        </Form.Item>
      </Form>
      {error !== undefined ? <ErrorView error={error} /> : null}
    </Modal>
  );
}

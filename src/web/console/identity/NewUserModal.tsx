import { Form, Input, Modal, Select } from "antd";
import { useState } from "react";
import { ErrorView } from "../../components/ErrorView";
import { useI18n } from "../../i18n";
import { createUser } from "../../lib/api";
import { useUser } from "../../lib/auth";
import type { NewUserRequest, Role, UserRow } from "../../lib/types";

const ROLES: readonly Role[] = ["admin", "clerk", "auditor", "hospital", "insured"];

/** An administrator adds an account of the region: a hospital operator names the hospital, an insured person's ID number. */
export function NewUserModal({ onClose, onCreated }: { onClose(): void; onCreated(user: UserRow): void }) {
  const { t } = useI18n();
  const me = useUser();
  const [form] = Form.useForm<NewUserRequest>();
  const role = Form.useWatch("role", form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const submit = async (values: NewUserRequest) => {
    setBusy(true);
    setError(undefined);
    try {
      const body: NewUserRequest = {
        username: values.username.trim(), display_name: values.display_name.trim(), role: values.role, admdvs: values.admdvs.trim(), password: values.password,
        ...(values.role === "hospital" && values.fixmedins_code ? { fixmedins_code: values.fixmedins_code.trim() } : {}),
        ...(values.role === "insured" && values.certno ? { certno: values.certno.trim() } : {}),
      };
      onCreated(await createUser(body));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open
      title={t("users.new")}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t("common.confirm")}
      cancelText={t("common.cancel")}
      confirmLoading={busy}
      okButtonProps={{ "data-testid": "user-create-confirm" }}
      destroyOnHidden
    >
      <Form<NewUserRequest> form={form} layout="vertical" name="new-user" initialValues={{ role: "clerk", admdvs: me.admdvs }} onFinish={(v) => void submit(v)}>
        <Form.Item name="username" label={t("users.username")} rules={[{ required: true, whitespace: true, min: 3, max: 40, message: t("users.usernameRule") }]}>
          <Input autoComplete="off" data-testid="user-username" />
        </Form.Item>
        <Form.Item name="display_name" label={t("users.displayName")} rules={[{ required: true, whitespace: true, message: t("users.required") }]}>
          <Input data-testid="user-display-name" />
        </Form.Item>
        <Form.Item name="role" label={t("users.role")} rules={[{ required: true, message: t("users.required") }]}>
          <Select<Role> options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} data-testid="user-role-select" />
        </Form.Item>
        <Form.Item name="admdvs" label={t("common.region")} rules={[{ required: true, pattern: /^\d{6}$/, message: t("users.regionRule") }]}>
          <Input inputMode="numeric" maxLength={6} />
        </Form.Item>
        {role === "hospital" ? (
          <Form.Item name="fixmedins_code" label={t("users.hospital")} rules={[{ required: true, whitespace: true, message: t("users.required") }]}>
            <Input />
          </Form.Item>
        ) : null}
        {role === "insured" ? (
          <Form.Item name="certno" label={t("users.certno")} rules={[{ required: true, pattern: /^\d{17}[\dXx]$/, message: t("users.certnoRule") }]}>
            <Input maxLength={18} />
          </Form.Item>
        ) : null}
        <Form.Item name="password" label={t("users.password")} extra={t("users.passwordRules")} rules={[{ required: true, min: 8, message: t("users.passwordRule") }]}>
          <Input.Password autoComplete="new-password" data-testid="user-password" />
        </Form.Item>
      </Form>
      {error !== undefined ? <ErrorView error={error} /> : null}
    </Modal>
  );
}

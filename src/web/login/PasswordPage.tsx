import { LockOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Form, Input, Typography } from "antd";
import { useEffect, useState } from "react";
import { ErrorView } from "../components/ErrorView";
import { LanguageToggle } from "../components/LanguageToggle";
import { useI18n } from "../i18n";
import { changePassword } from "../lib/api";
import { homeOf, useAuth, useUser } from "../lib/auth";
import { navigate } from "../lib/router";

interface Change {
  current: string;
  next: string;
  again: string;
}

/**
 * The change of one's own password: where sign-in leads after an administrator's reset (nothing else opens until it is
 * done), and where the header's menu leads any time. The server checks the rules again (8 characters, not the demo's
 * password, not containing the user name) and ends the user's other sessions.
 */
export default function PasswordPage() {
  const { t } = useI18n();
  const user = useUser();
  const { refresh, signOut } = useAuth();
  const { message } = App.useApp();
  const [form] = Form.useForm<Change>();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(undefined);

  useEffect(() => {
    document.title = `${t("password.title")} · ${t("app.name")}`;
  }, [t]);

  const submit = async ({ current, next }: Change) => {
    setBusy(true);
    setFailure(undefined);
    try {
      await changePassword(current, next);
      await refresh();
      void message.success(t("password.done"));
      navigate(homeOf(user.role), { replace: true });
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  const leave = async () => {
    await signOut().catch(() => undefined);
    navigate("/login", { replace: true });
  };

  return (
    <main id="main" className="login">
      <Card className="login-card">
        <div className="login-top">
          <LanguageToggle />
        </div>
        <h1>{t("password.title")}</h1>
        <Typography.Paragraph type="secondary">{user.display_name} · {user.username}</Typography.Paragraph>
        {user.must_change_password ? (
          <Alert type="warning" showIcon title={t("password.mustChange")} data-testid="password-must-change" style={{ marginBottom: 16 }} />
        ) : null}
        {failure !== undefined ? (
          <div style={{ marginBottom: 16 }}>
            <ErrorView error={failure} />
          </div>
        ) : null}
        <Form<Change> form={form} layout="vertical" onFinish={(values) => void submit(values)} requiredMark={false} disabled={busy}>
          <Form.Item name="current" label={t("password.current")} rules={[{ required: true, message: t("password.currentRequired") }]}>
            <Input.Password prefix={<LockOutlined aria-hidden />} autoComplete="current-password" data-testid="password-current" />
          </Form.Item>
          <Form.Item name="next" label={t("password.new")} extra={t("users.passwordRules")} rules={[{ required: true, min: 8, message: t("users.passwordRule") }]}>
            <Input.Password prefix={<LockOutlined aria-hidden />} autoComplete="new-password" data-testid="password-new" />
          </Form.Item>
          <Form.Item
            name="again"
            label={t("password.confirm")}
            dependencies={["next"]}
            rules={[
              { required: true, message: t("password.mismatch") },
              ({ getFieldValue }) => ({
                validator: (_rule, value) => (value === getFieldValue("next") ? Promise.resolve() : Promise.reject(new Error(t("password.mismatch")))),
              }),
            ]}
          >
            <Input.Password prefix={<LockOutlined aria-hidden />} autoComplete="new-password" data-testid="password-again" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="password-submit">
            {t("password.submit")}
          </Button>
        </Form>
        <Button type="link" block onClick={() => (user.must_change_password ? void leave() : navigate(homeOf(user.role)))} style={{ marginTop: 8 }} data-testid="password-back">
          {user.must_change_password ? t("auth.signOut") : t("password.back")}
        </Button>
      </Card>
    </main>
  );
}

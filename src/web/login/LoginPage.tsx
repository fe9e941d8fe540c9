import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useEffect, useState } from "react";
import { LanguageToggle } from "../components/LanguageToggle";
import { useI18n, type Translate } from "../i18n";
import { homeOf, PASSWORD_PATH, useAuth } from "../lib/auth";
import { ApiError } from "../lib/http";
import { Navigate, navigate, useLocation } from "../lib/router";
import type { User } from "../lib/types";

interface Credentials {
  username: string;
  password: string;
}

/**
 * Where to go after signing in: the change of password when an administrator reset it, else the page that sent the
 * user here if it belongs to the user's side of the app.
 */
function destination(next: string | null, user: User): string {
  if (user.must_change_password) return PASSWORD_PATH;
  const home = homeOf(user.role);
  return next && next.startsWith(`${home}`) ? next : home;
}

function failureText(t: Translate, error: unknown): string[] {
  // The server answers an unknown name, a wrong password and a locked account alike; so does the page (no count of
  // attempts left: it would tell a guesser that the name exists).
  if (error instanceof ApiError && error.code === "invalid_credentials") return [t("login.invalid"), t("login.invalidHint")];
  if (error instanceof ApiError && error.code === "rate_limited") return [t("login.rateLimited")];
  if (error instanceof ApiError && error.status === 0) return [t("error.network")];
  return [error instanceof Error ? error.message : String(error)];
}

export default function LoginPage() {
  const { t } = useI18n();
  const { state, signIn } = useAuth();
  const { query } = useLocation();
  const [failure, setFailure] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    document.title = `${t("login.title")} · ${t("app.name")}`;
  }, [t]);

  if (state.status === "signed_in") return <Navigate to={destination(query.get("next"), state.user)} />;

  const submit = async ({ username, password }: Credentials) => {
    setBusy(true);
    setFailure(null);
    try {
      const user = await signIn(username.trim(), password);
      navigate(destination(query.get("next"), user), { replace: true });
    } catch (error) {
      setFailure(failureText(t, error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="login">
      <Card className="login-card">
        <div className="login-top">
          <LanguageToggle />
        </div>
        <h1>{t("app.name")} · {t("login.title")}</h1>
        <Typography.Paragraph type="secondary">{t("login.subtitle")}</Typography.Paragraph>
        {failure ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            data-testid="login-error"
            className="login-error"
            title={failure[0]}
            description={failure.length > 1 ? failure.slice(1).join(" ") : undefined}
            style={{ marginBottom: 16 }}
          />
        ) : null}
        <Form<Credentials> layout="vertical" onFinish={(values) => void submit(values)} requiredMark={false} disabled={busy}>
          <Form.Item name="username" label={t("login.username")} rules={[{ required: true, whitespace: true, message: t("login.usernameRequired") }]}>
            <Input prefix={<UserOutlined aria-hidden />} autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item name="password" label={t("login.password")} rules={[{ required: true, message: t("login.passwordRequired") }]}>
            <Input.Password prefix={<LockOutlined aria-hidden />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t("login.submit")}
          </Button>
        </Form>
      </Card>
    </main>
  );
}

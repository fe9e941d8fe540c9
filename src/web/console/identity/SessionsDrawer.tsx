import { LogoutOutlined } from "@ant-design/icons";
import { App, Button, Drawer, Tag } from "antd";
import { useState } from "react";
import { dateTimeColumn, textColumn } from "../../components/columns";
import { DataTable } from "../../components/DataTable";
import { ErrorView } from "../../components/ErrorView";
import { useI18n } from "../../i18n";
import { endUserSessions, listUserSessions } from "../../lib/api";
import type { UserRow, UserSession } from "../../lib/types";
import { useApi } from "../../lib/useApi";

/** A user's live sessions (where and when they signed in, when each ends), and the administrator's "sign out everywhere". */
export function SessionsDrawer({ user, onClose }: { user: UserRow; onClose(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const sessions = useApi(`sessions:${user.username}`, () => listUserSessions(user.username));
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(undefined);

  const endAll = async () => {
    setBusy(true);
    setFailure(undefined);
    try {
      const { sessions_ended } = await endUserSessions(user.username);
      void message.success(t("users.signedOutAll", { name: user.username, count: sessions_ended }));
      sessions.reload();
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  const items = sessions.data?.items;
  return (
    <Drawer
      open
      size="large"
      title={t("users.sessionsTitle", { name: user.username })}
      onClose={onClose}
      data-testid="user-sessions"
      extra={
        <Button danger icon={<LogoutOutlined aria-hidden />} loading={busy} disabled={!items || items.length === 0} onClick={() => void endAll()} data-testid="user-sessions-end">
          {t("users.signOutAll")}
        </Button>
      }
    >
      {failure !== undefined ? <ErrorView error={failure} /> : null}
      {sessions.error ? (
        <ErrorView error={sessions.error} onRetry={sessions.reload} />
      ) : (
        <DataTable<UserSession>
          label={t("users.sessionsTitle", { name: user.username })}
          testId="user-sessions-table"
          rowTestId="user-session-row"
          rowKey={(s) => `${s.created_at}|${s.ip ?? ""}|${s.user_agent ?? ""}`}
          loading={sessions.loading}
          dataSource={items}
          locale={{ emptyText: t("users.sessionsNone") }}
          columns={[
            dateTimeColumn(t("session.created"), "created_at"),
            dateTimeColumn(t("session.lastSeen"), "last_seen_at"),
            dateTimeColumn(t("session.idleEnds"), "idle_expires_at"),
            dateTimeColumn(t("session.expires"), "expires_at"),
            textColumn(t("session.ip"), "ip"),
            textColumn(t("session.userAgent"), "user_agent", { ellipsis: true, width: 220 }),
            { title: "", key: "current", render: (_: unknown, s) => (s.current ? <Tag color="blue">{t("session.current")}</Tag> : null) },
          ]}
        />
      )}
    </Drawer>
  );
}

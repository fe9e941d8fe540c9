import { PlusOutlined } from "@ant-design/icons";
import { App, Button, Flex, Tag } from "antd";
import { useState } from "react";
import { dateTimeColumn, textColumn } from "../../components/columns";
import { DataTable } from "../../components/DataTable";
import { ErrorView } from "../../components/ErrorView";
import { Page, Section } from "../../components/Page";
import { useI18n } from "../../i18n";
import { listUsers, setUserActive, unlockUser } from "../../lib/api";
import { useUser } from "../../lib/auth";
import type { UserRow } from "../../lib/types";
import { useApi } from "../../lib/useApi";
import { NewUserModal } from "./NewUserModal";
import { ResetPasswordModal } from "./ResetPasswordModal";
import { SessionsDrawer } from "./SessionsDrawer";

/**
 * The region's accounts: who may sign in with which role; an administrator adds, unlocks, disables and enables them,
 * resets a forgotten password and sees (and ends) a user's sessions.
 */
export default function UsersPage() {
  const { t } = useI18n();
  const me = useUser();
  const { message } = App.useApp();
  const manage = me.role === "admin";
  const users = useApi("users", () => listUsers());
  const [adding, setAdding] = useState(false);
  const [resetting, setResetting] = useState<UserRow | null>(null);
  const [watching, setWatching] = useState<UserRow | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(undefined);

  const act = async (username: string, run: () => Promise<UserRow>, done: string) => {
    setBusy(username);
    setFailure(undefined);
    try {
      await run();
      void message.success(done);
      users.reload();
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Page
      title={t("users.title")}
      extra={manage ? <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setAdding(true)} data-testid="user-create">{t("users.new")}</Button> : null}
    >
      {failure !== undefined ? <ErrorView error={failure} /> : null}
      <Section title={t("users.title")}>
        {users.error ? (
          <ErrorView error={users.error} onRetry={users.reload} />
        ) : (
          <DataTable<UserRow>
            label={t("users.title")}
            testId="users-table"
            rowTestId="user-row"
            rowKey={(r) => r.username}
            loading={users.loading}
            dataSource={users.data?.items}
            columns={[
              textColumn(t("users.username"), "username"),
              textColumn(t("users.displayName"), "display_name"),
              { title: t("users.role"), dataIndex: "role", key: "role", render: (_: string, r) => t(`role.${r.role}`) },
              textColumn(t("common.region"), "admdvs_name"),
              { title: t("users.boundTo"), key: "bound", render: (_: unknown, r) => r.fixmedins_code ?? r.psn_no ?? "—" },
              {
                title: t("common.status"),
                key: "state",
                render: (_: unknown, r) =>
                  <Flex gap={4} wrap>
                    {!r.active ? <Tag color="default">{t("users.disabled")}</Tag>
                    : r.locked_until ? <Tag color="red">{t("users.locked")}</Tag>
                    : <Tag color="green">{t("users.active")}</Tag>}
                    {r.must_change_password ? <Tag color="orange" data-testid="user-must-change">{t("users.mustChange")}</Tag> : null}
                  </Flex>,
              },
              dateTimeColumn(t("users.lastSignin"), "last_signin_at"),
              ...(manage
                ? [{
                    title: t("common.actions"),
                    key: "actions",
                    render: (_: unknown, r: UserRow) => (
                      <Flex gap="small" wrap>
                        {r.locked_until ? (
                          <Button size="small" loading={busy === r.username} onClick={() => void act(r.username, () => unlockUser(r.username), t("users.unlocked", { name: r.username }))} data-testid="user-unlock">
                            {t("users.unlock")}
                          </Button>
                        ) : null}
                        <Button size="small" onClick={() => setWatching(r)} data-testid="user-sessions-open">
                          {t("users.sessions")}
                        </Button>
                        {r.username !== me.username ? (
                          <Button size="small" onClick={() => setResetting(r)} data-testid="user-reset">
                            {t("users.resetPassword")}
                          </Button>
                        ) : null}
                        {r.username !== me.username ? (
                          <Button
                            size="small"
                            danger={r.active}
                            loading={busy === r.username}
                            onClick={() => void act(r.username, () => setUserActive(r.username, !r.active), t(r.active ? "users.disabledDone" : "users.enabledDone", { name: r.username }))}
                            data-testid="user-toggle-active"
                          >
                            {r.active ? t("users.disable") : t("users.enable")}
                          </Button>
                        ) : null}
                      </Flex>
                    ),
                  }]
                : []),
            ]}
          />
        )}
      </Section>
      {resetting ? (
        <ResetPasswordModal
          user={resetting}
          onClose={() => setResetting(null)}
          onDone={(u) => {
            setResetting(null);
            void message.success(t("users.resetDone", { name: u.username }));
            users.reload();
          }}
        />
      ) : null}
      {watching ? <SessionsDrawer user={watching} onClose={() => setWatching(null)} /> : null}
      {adding ? (
        <NewUserModal
          onClose={() => setAdding(false)}
          onCreated={(u) => {
            setAdding(false);
            void message.success(t("users.created", { name: u.username }));
            users.reload();
          }}
        />
      ) : null}
    </Page>
  );
}

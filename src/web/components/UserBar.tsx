import { KeyOutlined, LogoutOutlined, UserOutlined } from "@ant-design/icons";
import { Button, Flex, Grid, Typography } from "antd";
import { useI18n } from "../i18n";
import { PASSWORD_PATH, useAuth, useUser } from "../lib/auth";
import { navigate } from "../lib/router";
import { LanguageToggle } from "./LanguageToggle";

/** The header's right side: who is signed in (name, role, region or hospital), the language toggle, the change of password, sign-out. */
export function UserBar({ compact }: { compact?: boolean }) {
  const { t } = useI18n();
  const { signOut } = useAuth();
  const user = useUser();
  const screens = Grid.useBreakpoint();
  const narrow = compact || !screens.md;
  const where = user.role === "hospital" && user.fixmedins_name ? user.fixmedins_name : user.admdvs_name;

  const leave = async () => {
    await signOut().catch(() => undefined);
    navigate("/login", { replace: true });
  };

  return (
    <Flex align="center" gap="small" className="user-bar">
      <Flex align="center" gap={6} className="user-who" aria-label={t("auth.signedInAs")} role="group">
        <UserOutlined aria-hidden />
        <Typography.Text strong data-testid="user-name">
          {user.display_name}
        </Typography.Text>
        {narrow ? null : (
          <Typography.Text type="secondary" data-testid="user-role">
            {t(`role.${user.role}`)} · {where}
          </Typography.Text>
        )}
      </Flex>
      <LanguageToggle />
      <Button
        type="text"
        icon={<KeyOutlined aria-hidden />}
        onClick={() => navigate(PASSWORD_PATH)}
        aria-label={t("auth.changePassword")}
        data-testid="change-password"
      >
        {narrow ? null : t("auth.changePassword")}
      </Button>
      <Button
        type="text"
        icon={<LogoutOutlined aria-hidden />}
        onClick={() => void leave()}
        aria-label={t("auth.signOut")}
        data-testid="sign-out"
      >
        {narrow ? null : t("auth.signOut")}
      </Button>
    </Flex>
  );
}

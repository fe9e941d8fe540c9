import { MenuFoldOutlined, MenuUnfoldOutlined, MedicineBoxOutlined } from "@ant-design/icons";
import { Button, Layout, Menu } from "antd";
import { createElement, Suspense, useState } from "react";
import { Loading } from "../components/Loadable";
import { ForbiddenResult, NotFoundResult } from "../components/NotFound";
import { UserBar } from "../components/UserBar";
import { useI18n } from "../i18n";
import { useUser } from "../lib/auth";
import { navigate, ParamsProvider, useLocation } from "../lib/router";
import { MODULES, resolveConsolePage } from "./modules";

const NAV_ID = "console-nav";
const NARROW = 992;

/** The console's frame: header (who, language, sign-out), the side menu from the module registry, the page. */
export default function ConsoleLayout() {
  const { t } = useI18n();
  const user = useUser();
  const { pathname } = useLocation();
  const [collapsed, setCollapsed] = useState(() => window.innerWidth < NARROW);
  const [narrow, setNarrow] = useState(() => window.innerWidth < NARROW);

  const visible = MODULES.filter((m) => m.roles.includes(user.role));
  const resolved = resolveConsolePage(pathname);

  let content;
  if (!resolved) {
    content = <NotFoundResult />;
  } else if (!resolved.module.roles.includes(user.role)) {
    content = <ForbiddenResult />;
  } else {
    content = (
      <Suspense fallback={<Loading label={t("app.loading")} />}>
        <ParamsProvider params={resolved.params}>{createElement(resolved.page)}</ParamsProvider>
      </Suspense>
    );
  }

  return (
    <Layout className="console">
      <a className="skip-link" href="#main">
        {t("app.skip")}
      </a>
      <Layout.Header className="console-header">
        <div className="console-brand">
          <Button
            type="text"
            icon={collapsed ? <MenuUnfoldOutlined aria-hidden /> : <MenuFoldOutlined aria-hidden />}
            onClick={() => setCollapsed(!collapsed)}
            aria-label={t("app.menuToggle")}
            aria-expanded={!collapsed}
            aria-controls={NAV_ID}
            data-testid="menu-toggle"
          />
          <MedicineBoxOutlined aria-hidden style={{ color: "#1464c8" }} />
          <span>{t("app.console")}</span>
        </div>
        <UserBar />
      </Layout.Header>
      <Layout>
        <Layout.Sider
          id={NAV_ID}
          className="console-sider"
          theme="light"
          width={208}
          collapsible
          collapsed={collapsed}
          collapsedWidth={narrow ? 0 : 64}
          trigger={null}
          breakpoint="lg"
          onBreakpoint={(broken) => {
            setNarrow(broken);
            setCollapsed(broken);
          }}
        >
          <nav aria-label={t("app.mainNav")}>
            <Menu
              mode="inline"
              selectedKeys={resolved ? [resolved.module.key] : []}
              items={visible.map((m) => ({ key: m.key, icon: createElement(m.icon, { "aria-hidden": true }), label: t(m.labelKey), "data-testid": `nav-${m.key}` }))}
              onClick={({ key }) => {
                const target = visible.find((m) => m.key === key);
                if (target) navigate(target.path);
                if (narrow) setCollapsed(true);
              }}
            />
          </nav>
        </Layout.Sider>
        {/* Layout.Content is the page's <main>. */}
        <Layout.Content id="main" tabIndex={-1} className="console-main console-content">
          {content}
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

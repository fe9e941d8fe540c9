import { FileTextOutlined, HeartOutlined, QrcodeOutlined, RiseOutlined, SafetyCertificateOutlined } from "@ant-design/icons";
import { createElement, lazy, Suspense, type ComponentType } from "react";
import { Loading } from "../components/Loadable";
import { NotFoundResult } from "../components/NotFound";
import { UserBar } from "../components/UserBar";
import { useI18n, type MessageKey } from "../i18n";
import { Link, Routes, useLocation } from "../lib/router";

/** The portal for the insured: phone first, a header and a bottom tab bar of five pages. */

const CoveragePage = lazy(() => import("./pages/CoveragePage"));
const SettlementsPage = lazy(() => import("./pages/SettlementsPage"));
const SettlementPage = lazy(() => import("./pages/SettlementPage"));
const ProgressPage = lazy(() => import("./pages/ProgressPage"));
const VoucherPage = lazy(() => import("./pages/VoucherPage"));
const HelpPage = lazy(() => import("./pages/HelpPage"));

interface Tab {
  path: string;
  labelKey: MessageKey;
  icon: ComponentType<{ "aria-hidden"?: boolean }>;
}

const TABS: Tab[] = [
  { path: "/portal", labelKey: "portal.coverage", icon: SafetyCertificateOutlined },
  { path: "/portal/settlements", labelKey: "portal.settlements", icon: FileTextOutlined },
  { path: "/portal/progress", labelKey: "portal.progress", icon: RiseOutlined },
  { path: "/portal/help", labelKey: "portal.help", icon: HeartOutlined },
  { path: "/portal/voucher", labelKey: "portal.voucher", icon: QrcodeOutlined },
];

const isActive = (tab: Tab, pathname: string) => (tab.path === "/portal" ? pathname === "/portal" || pathname === "/portal/" : pathname.startsWith(tab.path));

export default function PortalLayout() {
  const { t } = useI18n();
  const { pathname } = useLocation();
  return (
    <div className="portal">
      <a className="skip-link" href="#main">
        {t("app.skip")}
      </a>
      <header className="portal-header">
        <span className="portal-brand">{t("app.portal")}</span>
        <UserBar compact />
      </header>
      <main id="main" tabIndex={-1} className="portal-main">
        <Suspense fallback={<Loading label={t("app.loading")} />}>
          <Routes
            routes={[
              { path: "/portal", element: <CoveragePage /> },
              { path: "/portal/settlements", element: <SettlementsPage /> },
              { path: "/portal/settlements/:setl_id", element: <SettlementPage /> },
              { path: "/portal/progress", element: <ProgressPage /> },
              { path: "/portal/voucher", element: <VoucherPage /> },
              { path: "/portal/help", element: <HelpPage /> },
            ]}
            fallback={<NotFoundResult />}
          />
        </Suspense>
      </main>
      <nav className="portal-tabs" aria-label={t("portal.nav")}>
        <ul>
          {TABS.map((tab) => (
            <li key={tab.path}>
              <Link to={tab.path} aria-current={isActive(tab, pathname) ? "page" : undefined} data-testid={`portal-tab-${tab.labelKey.split(".")[1]}`}>
                {createElement(tab.icon, { "aria-hidden": true })}
                <span>{t(tab.labelKey)}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </div>
  );
}

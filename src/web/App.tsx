import { App as AntApp } from "antd";
import { lazy, Suspense, type ReactNode } from "react";
import { Loading } from "./components/Loadable";
import { NotFoundResult } from "./components/NotFound";
import { I18nProvider, useI18n } from "./i18n";
import { AuthProvider, homeOf, PASSWORD_PATH, useAuth } from "./lib/auth";
import { Navigate, Routes, useLocation } from "./lib/router";
import { STAFF_ROLES, type Role } from "./lib/types";

/** The app's three faces: sign-in (/login), the console for staff (/console/…), the portal for the insured (/portal/…). */

const LoginPage = lazy(() => import("./login/LoginPage"));
const PasswordPage = lazy(() => import("./login/PasswordPage"));
const ConsoleLayout = lazy(() => import("./console/ConsoleLayout"));
const PortalLayout = lazy(() => import("./portal/PortalLayout"));

export function App() {
  return (
    <I18nProvider>
      <AntApp>
        <AuthProvider>
          <Suspense fallback={<Waiting />}>
            <Routes
              routes={[
                { path: "/", element: <Home /> },
                { path: "/login", element: <LoginPage /> },
                { path: PASSWORD_PATH, element: <Guard allow={[...STAFF_ROLES, "insured"]}><PasswordPage /></Guard> },
                { path: "/console/*", element: <Guard allow={STAFF_ROLES}><ConsoleLayout /></Guard> },
                { path: "/portal/*", element: <Guard allow={["insured"]}><PortalLayout /></Guard> },
              ]}
              fallback={<NotFoundPage />}
            />
          </Suspense>
        </AuthProvider>
      </AntApp>
    </I18nProvider>
  );
}

function Waiting() {
  const { t } = useI18n();
  return <Loading label={t("app.loading")} />;
}

/** "/" goes where the user belongs: the sign-in page, the console or the portal. */
function Home() {
  const { state } = useAuth();
  if (state.status === "loading") return <Waiting />;
  if (state.status === "signed_in" && state.user.must_change_password) return <Navigate to={PASSWORD_PATH} />;
  return <Navigate to={state.status === "signed_in" ? homeOf(state.user.role) : "/login"} />;
}

/**
 * Only signed-in users of the given roles pass; others go to sign in (and come back), or to their own home. A user whose
 * password an administrator reset goes to change it first (the server refuses everything else meanwhile).
 */
function Guard({ allow, children }: { allow: readonly Role[]; children: ReactNode }) {
  const { state } = useAuth();
  const { pathname, search } = useLocation();
  if (state.status === "loading") return <Waiting />;
  if (state.status === "signed_out") return <Navigate to={`/login?next=${encodeURIComponent(pathname + search)}`} />;
  if (state.user.must_change_password && pathname !== PASSWORD_PATH) return <Navigate to={PASSWORD_PATH} />;
  if (!allow.includes(state.user.role)) return <Navigate to={homeOf(state.user.role)} />;
  return <>{children}</>;
}

function NotFoundPage() {
  return (
    <main id="main" className="not-found">
      <NotFoundResult />
    </main>
  );
}

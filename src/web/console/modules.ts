import {
  AlertOutlined, AuditOutlined, BankOutlined, BarChartOutlined, HeartOutlined, SafetyCertificateOutlined, CloudUploadOutlined, DashboardOutlined, FileSearchOutlined, FileTextOutlined, GiftOutlined,
  ReconciliationOutlined, SearchOutlined, SwapOutlined, TeamOutlined, UsergroupDeleteOutlined,
} from "@ant-design/icons";
import { lazy, type ComponentType, type LazyExoticComponent } from "react";
import type { MessageKey } from "../i18n";
import { matchPath, type Params } from "../lib/router";
import type { Role } from "../lib/types";

/**
 * The console's MODULE REGISTRY: one entry per capability — its menu item, the roles that may use it, and its pages
 * (lazy, so each page is its own chunk). The layout builds the menu, the routing and the role check from this list
 * alone, so a later capability (assistance applications, early warnings, filings, clearing, supervision cases) adds
 * its pages by adding one entry here and its page files under its own folder (console/<capability>/) — nothing else changes. Add its menu label to
 * i18n/zh.ts and en.ts (the types make a missing one fail the build).
 */

type Page = LazyExoticComponent<ComponentType>;

export interface ConsoleModule {
  key: string;
  /** The menu entry's page. */
  path: string;
  labelKey: MessageKey;
  icon: ComponentType<{ "aria-hidden"?: boolean }>;
  /** Who sees the entry and may open its pages (the server checks again; this only hides what would be refused). */
  roles: readonly Role[];
  page: Page;
  /** Pages below the module that have no menu entry of their own, with :params ("/console/persons/:psn_no"). */
  subpages?: { path: string; page: Page }[];
}

const STAFF: readonly Role[] = ["admin", "clerk", "auditor"];
const STAFF_AND_HOSPITALS: readonly Role[] = ["admin", "clerk", "auditor", "hospital"];

export const MODULES: readonly ConsoleModule[] = [
  {
    key: "dashboard",
    path: "/console",
    labelKey: "nav.dashboard",
    icon: DashboardOutlined,
    roles: STAFF_AND_HOSPITALS,
    page: lazy(() => import("./reports/DashboardPage")),
  },
  {
    key: "persons",
    path: "/console/persons",
    labelKey: "nav.persons",
    icon: SearchOutlined,
    roles: STAFF,
    page: lazy(() => import("./enrollment/PersonsPage")),
    subpages: [{ path: "/console/persons/:psn_no", page: lazy(() => import("./enrollment/PersonPage")) }],
  },
  {
    key: "settlements",
    path: "/console/settlements",
    labelKey: "nav.settlements",
    icon: FileSearchOutlined,
    roles: STAFF_AND_HOSPITALS,
    page: lazy(() => import("./settlement/SettlementsPage")),
    subpages: [{ path: "/console/settlements/:setl_id", page: lazy(() => import("./settlement/SettlementPage")) }],
  },
  {
    key: "warnings",
    path: "/console/warnings",
    labelKey: "nav.warnings",
    icon: AlertOutlined,
    roles: STAFF,
    page: lazy(() => import("./monitoring/WarningsPage")),
    subpages: [{ path: "/console/warnings/:id", page: lazy(() => import("./monitoring/WarningPage")) }],
  },
  {
    key: "assistance",
    path: "/console/assistance",
    labelKey: "nav.assistance",
    icon: HeartOutlined,
    roles: STAFF,
    page: lazy(() => import("./assistance/ApplicationsPage")),
    // "new" before ":id": an application's number is capitals and digits, never "new".
    subpages: [
      { path: "/console/assistance/new", page: lazy(() => import("./assistance/FileApplicationPage")) },
      { path: "/console/assistance/:id", page: lazy(() => import("./assistance/ApplicationPage")) },
    ],
  },
  {
    key: "benefits",
    path: "/console/benefits",
    labelKey: "nav.benefits",
    icon: BarChartOutlined,
    roles: STAFF,
    page: lazy(() => import("./reports/BenefitsPage")),
  },
  {
    key: "imports",
    path: "/console/imports",
    labelKey: "nav.imports",
    icon: CloudUploadOutlined,
    roles: ["admin", "clerk"],
    page: lazy(() => import("./imports/ImportsPage")),
  },
  {
    key: "duplicates",
    path: "/console/duplicates",
    labelKey: "nav.duplicates",
    icon: UsergroupDeleteOutlined,
    roles: STAFF,
    page: lazy(() => import("./enrollment/DuplicatesPage")),
  },
  {
    key: "subsidies",
    path: "/console/subsidies",
    labelKey: "nav.subsidies",
    icon: GiftOutlined,
    roles: STAFF,
    page: lazy(() => import("./enrollment/SubsidiesPage")),
  },
  {
    key: "hospitals",
    path: "/console/hospitals",
    labelKey: "nav.hospitals",
    icon: BankOutlined,
    roles: STAFF_AND_HOSPITALS,
    page: lazy(() => import("./reference/HospitalsPage")),
  },
  {
    key: "matching",
    path: "/console/matching",
    labelKey: "nav.matching",
    icon: SwapOutlined,
    roles: STAFF_AND_HOSPITALS,
    page: lazy(() => import("./reference/MatchingPage")),
  },
  {
    key: "reconciliation",
    path: "/console/reconciliation",
    labelKey: "nav.reconciliation",
    icon: ReconciliationOutlined,
    roles: STAFF_AND_HOSPITALS,
    page: lazy(() => import("./ledger/ReconciliationPage")),
  },
  {
    key: "policy",
    path: "/console/policy",
    labelKey: "nav.policy",
    icon: FileTextOutlined,
    roles: STAFF,
    page: lazy(() => import("./reference/PolicyPage")),
  },
  {
    key: "signins",
    path: "/console/signins",
    labelKey: "nav.signins",
    icon: AuditOutlined,
    roles: ["admin", "auditor"],
    page: lazy(() => import("./identity/SigninsPage")),
  },
  {
    key: "hisRefusals",
    path: "/console/his-refusals",
    labelKey: "nav.hisRefusals",
    icon: SafetyCertificateOutlined,
    roles: ["admin", "auditor"],
    page: lazy(() => import("./identity/HisRefusalsPage")),
  },
  {
    key: "users",
    path: "/console/users",
    labelKey: "nav.users",
    icon: TeamOutlined,
    roles: ["admin", "auditor"],
    page: lazy(() => import("./identity/UsersPage")),
  },
];

export interface ResolvedPage {
  module: ConsoleModule;
  page: Page;
  params: Params;
}

/** The module and page of a path under /console, or undefined when none has it. */
export function resolveConsolePage(pathname: string): ResolvedPage | undefined {
  for (const module of MODULES) {
    const own = matchPath(module.path, pathname);
    if (own) return { module, page: module.page, params: own };
    for (const sub of module.subpages ?? []) {
      const params = matchPath(sub.path, pathname);
      if (params) return { module, page: sub.page, params };
    }
  }
  return undefined;
}

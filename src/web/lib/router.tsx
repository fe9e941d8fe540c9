import { createContext, useContext, useEffect, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from "react";

/**
 * A router of a few dozen lines: the History API, path patterns with :params, links that are real <a href> (so they
 * open in a new tab, are announced as links and reachable by keyboard). The app has a handful of route trees and
 * needs nothing more.
 */

const NAVIGATED = "yibao:navigated";

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  window.addEventListener(NAVIGATED, onChange);
  return () => {
    window.removeEventListener("popstate", onChange);
    window.removeEventListener(NAVIGATED, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

let navigations = 0;

/** How many in-app navigations happened: pages move focus to their heading after one, not on the first load. */
export const navigationCount = () => navigations;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  navigations += 1;
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  window.dispatchEvent(new Event(NAVIGATED));
  if (!options.replace) window.scrollTo(0, 0);
}

export interface Location {
  pathname: string;
  search: string;
  query: URLSearchParams;
}

export function useLocation(): Location {
  const current = useSyncExternalStore(subscribe, snapshot);
  const at = current.indexOf("?");
  const pathname = at < 0 ? current : current.slice(0, at);
  const search = at < 0 ? "" : current.slice(at);
  return { pathname, search, query: new URLSearchParams(search) };
}

/** Replaces some query parameters of the current URL (empty values removed), keeping the page in history once. */
export function setQuery(changes: Record<string, string | number | undefined | null>): void {
  const params = new URLSearchParams(window.location.search);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === null || value === "") params.delete(key);
    else params.set(key, String(value));
  }
  const search = params.toString();
  navigate(`${window.location.pathname}${search ? `?${search}` : ""}`, { replace: true });
}

export type Params = Record<string, string>;

/** Matches "/console/persons/:psn_no" (and a trailing "/*"); decoded params, or null. */
export function matchPath(pattern: string, pathname: string): Params | null {
  const want = pattern.split("/").filter(Boolean);
  const have = pathname.split("/").filter(Boolean);
  const rest = want[want.length - 1] === "*";
  if (rest) want.pop();
  if (rest ? have.length < want.length : have.length !== want.length) return null;
  const params: Params = {};
  for (const [i, segment] of want.entries()) {
    const value = have[i] ?? "";
    if (segment.startsWith(":")) params[segment.slice(1)] = decodeURIComponent(value);
    else if (segment !== value) return null;
  }
  return params;
}

const ParamsContext = createContext<Params>({});

export function ParamsProvider({ params, children }: { params: Params; children: ReactNode }) {
  return <ParamsContext.Provider value={params}>{children}</ParamsContext.Provider>;
}

export function useParams(): Params {
  return useContext(ParamsContext);
}

/** A param the route pattern guarantees. */
export function useParam(name: string): string {
  return useContext(ParamsContext)[name] ?? "";
}

export interface RouteDef {
  path: string;
  element: ReactNode;
}

/** Renders the first route whose pattern matches, or the fallback. */
export function Routes({ routes, fallback }: { routes: RouteDef[]; fallback: ReactNode }) {
  const { pathname } = useLocation();
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (params) return <ParamsProvider params={params}>{route.element}</ParamsProvider>;
  }
  return <>{fallback}</>;
}

export function Navigate({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> & { to: string };

export function Link({ to, onClick, target, ...rest }: LinkProps) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    const modified = event.metaKey || event.altKey || event.ctrlKey || event.shiftKey;
    if (event.defaultPrevented || event.button !== 0 || modified || (target && target !== "_self")) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} target={target} onClick={follow} {...rest} />;
}

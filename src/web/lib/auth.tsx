import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import * as api from "./api";
import { ApiError, onSessionEnded } from "./http";
import type { Role, User } from "./types";

/** Who is signed in. The session itself is the server's HttpOnly cookie; the app only asks /auth/me who it is. */

export type AuthState = { status: "loading" } | { status: "signed_out" } | { status: "signed_in"; user: User };

interface AuthValue {
  state: AuthState;
  signIn(username: string, password: string): Promise<User>;
  signOut(): Promise<void>;
  /** Asks the server again who is signed in (after the password was changed: must_change_password is gone). */
  refresh(): Promise<void>;
}

const AuthContext = createContext<AuthValue | undefined>(undefined);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: "loading" });

  useEffect(() => {
    onSessionEnded(() => setState({ status: "signed_out" }));
    let live = true;
    api.currentUser().then(
      ({ user }) => live && setState({ status: "signed_in", user }),
      (error: unknown) => {
        if (!live) return;
        if (!(error instanceof ApiError && error.status === 401)) console.warn("could not ask who is signed in", error);
        setState({ status: "signed_out" });
      },
    );
    return () => {
      live = false;
      onSessionEnded(undefined);
    };
  }, []);

  const signIn = useCallback(async (username: string, password: string) => {
    const { user } = await api.signIn(username, password);
    setState({ status: "signed_in", user });
    return user;
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.signOut();
    } finally {
      setState({ status: "signed_out" });
    }
  }, []);

  const refresh = useCallback(async () => {
    const { user } = await api.currentUser();
    setState({ status: "signed_in", user });
  }, []);

  const value = useMemo(() => ({ state, signIn, signOut, refresh }), [state, signIn, signOut, refresh]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside AuthProvider");
  return value;
}

/** The signed-in user; only for components rendered behind a guard that checked there is one. */
export function useUser(): User {
  const { state } = useAuth();
  if (state.status !== "signed_in") throw new Error("useUser with nobody signed in");
  return state.user;
}

export const homeOf = (role: Role) => (role === "insured" ? "/portal" : "/console");

/** Where the change of password is, for the header's menu and after an administrator's reset. */
export const PASSWORD_PATH = "/password";

/** Roles that change the bureau's registers (the API's "write" access). */
export const mayWrite = (role: Role) => role === "admin" || role === "clerk";

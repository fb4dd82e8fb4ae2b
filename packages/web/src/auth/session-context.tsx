import type { AuthConfig } from '@faramesh/contract';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../api/api-error.js';
import { FarameshApi, type Whoami } from '../api/faramesh-api.js';
import { HttpClient } from '../api/http-client.js';
import { readToken, writeToken } from './token-storage.js';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed-out'; notice: string | null }
  | { status: 'unreachable'; message: string }
  | { status: 'signed-in'; me: Whoami };

interface SessionValue {
  state: SessionState;
  api: FarameshApi;
  /** Single sign-on as the server offers it (null until known, or when the server can't say). */
  sso: AuthConfig['sso'] | null;
  /** Checks the token with whoami; resolves to an error message, or null when signed in. */
  signIn: (token: string) => Promise<string | null>;
  /** Ends a token login here, or a single sign-on session on the server (and at the provider if set up). */
  signOut: () => void;
  retry: () => void;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Owns the token and the identity; everything below it talks to the API through `api`. */
export function SessionProvider({ children, fetchImpl }: { children: ReactNode; fetchImpl?: typeof fetch }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const token = useRef<string | null>(readToken());
  // The CSRF token of a single sign-on session: the session itself is an HttpOnly cookie.
  const csrf = useRef<string | null>(null);
  const [sso, setSso] = useState<AuthConfig['sso'] | null>(null);
  const [attempt, setAttempt] = useState(0);

  const api = useMemo(
    () =>
      new FarameshApi(
        new HttpClient({
          ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }),
          getToken: () => token.current,
          getCsrfToken: () => (token.current === null ? csrf.current : null),
          onUnauthorized: () => {
            // A 401 mid-session: the token was revoked, the server restarted with other tokens, or
            // the single sign-on session ended (logout elsewhere, idle or absolute timeout).
            const hadToken = token.current !== null;
            const hadSession = csrf.current !== null;
            token.current = null;
            csrf.current = null;
            writeToken(null);
            setState({
              status: 'signed-out',
              notice: hadToken
                ? 'Your token was not accepted any more. Sign in again.'
                : hadSession
                  ? 'Your session has ended. Sign in again.'
                  : null,
            });
          },
        }),
      ),
    [fetchImpl],
  );

  useEffect(() => {
    void attempt;
    const controller = new AbortController();
    const { signal } = controller;
    (async () => {
      // An older server without /auth/config simply offers no single sign-on.
      const config = await api.authConfig(signal).catch(() => null);
      if (signal.aborted) return;
      setSso(config?.sso ?? null);
      if (token.current === null && config?.sso.enabled === true) {
        const session = await api.authSession(signal).catch(() => null);
        csrf.current = session?.csrf_token ?? null;
      }
      return api.whoami(signal);
    })().then(
      (me) => {
        if (me !== undefined) setState({ status: 'signed-in', me });
      },
      (error: unknown) => {
        if (signal.aborted) return;
        if (error instanceof ApiError && error.status === 401) return; // onUnauthorized already ran
        setState({ status: 'unreachable', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => controller.abort();
  }, [api, attempt]);

  const signIn = useCallback(
    async (candidate: string) => {
      token.current = candidate;
      try {
        const me = await api.whoami();
        writeToken(candidate);
        setState({ status: 'signed-in', me });
        return null;
      } catch (error) {
        token.current = null;
        if (error instanceof ApiError && error.status === 401) {
          setState({ status: 'signed-out', notice: null });
          return 'That token was not accepted.';
        }
        return error instanceof Error ? error.message : String(error);
      }
    },
    [api],
  );

  const signOut = useCallback(() => {
    const hadSession = token.current === null && csrf.current !== null;
    token.current = null;
    writeToken(null);
    if (!hadSession) {
      setState({ status: 'signed-out', notice: 'Signed out.' });
      return;
    }
    // The cookie session ends on the server, for every tab and replica; then, if the server says
    // so, at the identity provider too.
    void api.logout().then(
      (result) => {
        csrf.current = null;
        if (result.end_session_url !== null) window.location.assign(result.end_session_url);
        else setState({ status: 'signed-out', notice: 'Signed out.' });
      },
      (error: unknown) => {
        setState({
          status: 'unreachable',
          message: `signing out failed: ${error instanceof Error ? error.message : String(error)}`,
        });
      },
    );
  }, [api]);

  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(() => ({ state, api, sso, signIn, signOut, retry }), [state, api, sso, signIn, signOut, retry]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in identity; only valid below the login gate. */
export function useMe(): Whoami {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe before sign-in');
  return state.me;
}

/** Approvers and admins may approve or deny; agents may not (separation of duties). */
export function canDecide(me: Whoami): boolean {
  return me.role === 'approver' || me.role === 'admin';
}

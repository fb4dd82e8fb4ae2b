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
  /** Checks the token with whoami; resolves to an error message, or null when signed in. */
  signIn: (token: string) => Promise<string | null>;
  signOut: () => void;
  retry: () => void;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Owns the token and the identity; everything below it talks to the API through `api`. */
export function SessionProvider({ children, fetchImpl }: { children: ReactNode; fetchImpl?: typeof fetch }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const token = useRef<string | null>(readToken());
  const [attempt, setAttempt] = useState(0);

  const api = useMemo(
    () =>
      new FarameshApi(
        new HttpClient({
          ...(fetchImpl === undefined ? {} : { fetch: fetchImpl }),
          getToken: () => token.current,
          onUnauthorized: () => {
            // A 401 mid-session: the token was revoked or the server restarted with other tokens.
            const hadToken = token.current !== null;
            token.current = null;
            writeToken(null);
            setState({
              status: 'signed-out',
              notice: hadToken ? 'Your token was not accepted any more. Sign in again.' : null,
            });
          },
        }),
      ),
    [fetchImpl],
  );

  useEffect(() => {
    void attempt;
    const controller = new AbortController();
    api.whoami(controller.signal).then(
      (me) => setState({ status: 'signed-in', me }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
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
    token.current = null;
    writeToken(null);
    setState({ status: 'signed-out', notice: 'Signed out.' });
  }, []);

  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  const value = useMemo(() => ({ state, api, signIn, signOut, retry }), [state, api, signIn, signOut, retry]);
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

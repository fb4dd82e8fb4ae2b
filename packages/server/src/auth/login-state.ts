/**
 * What a login round trip must remember between `/auth/login` and `/auth/callback`: the state
 * (ties the callback to this browser: no login CSRF), the nonce (ties the ID token to this login),
 * the PKCE verifier (only this browser can redeem the code) and where to go afterwards. Kept in a
 * short-lived HttpOnly cookie rather than on the server, so any replica can finish a login that
 * another began; none of it is of use to anyone who can't already read this browser's cookies.
 */
export interface LoginState {
  state: string;
  nonce: string;
  verifier: string;
  returnTo: string;
}

/** How long a login may take at the provider before it has to start again. */
export const LOGIN_STATE_SECONDS = 600;

export function encodeLoginState(login: LoginState): string {
  return Buffer.from(JSON.stringify([login.state, login.nonce, login.verifier, login.returnTo]), 'utf8').toString(
    'base64url',
  );
}

export function decodeLoginState(value: string | null): LoginState | null {
  if (value === null) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 4 || !parsed.every((p) => typeof p === 'string')) return null;
    const [state, nonce, verifier, returnTo] = parsed as [string, string, string, string];
    return { state, nonce, verifier, returnTo: safeReturnTo(returnTo) };
  } catch {
    return null;
  }
}

/**
 * Only a path on this server: `/…` but not `//…` or `/\…` (which browsers treat as another host),
 * no control characters, bounded. Anything else becomes `/`, so the login is never an open redirect.
 */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || value.length > 2048) return '/';
  if (!/^\/(?![/\\])/.test(value) || /[\p{Cc}\\]/u.test(value)) return '/';
  return value;
}

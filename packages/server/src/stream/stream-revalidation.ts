import type { IncomingHttpHeaders } from 'node:http';
import type { Authenticator, Principal } from '../auth/authenticator.js';
import type { SessionAuthenticator } from '../auth/session-principal.js';

/** Answers whether the credentials a stream was opened with still prove the same identity. */
type StillValid = () => Promise<boolean>;

/**
 * How a stream's credentials are re-checked, by where its identity came from: a database token is
 * authenticated again (revoked, expired); a dashboard session is looked up without recording activity
 * (an open tab must not keep an idle session alive), so a logout, the idle timeout or the maximum age
 * ends the stream. Environment tokens and open mode change only on restart: null, no re-check.
 */
export function streamCredentialCheck(
  auth: Authenticator,
  sessions: SessionAuthenticator | null,
  headers: IncomingHttpHeaders,
  principal: Principal,
): StillValid | null {
  if (principal.source === 'database') {
    return async () => {
      const again = await auth.authenticate(headers);
      return again?.name === principal.name && again.token?.id === principal.token?.id;
    };
  }
  if (principal.source === 'oidc') {
    if (sessions === null) return async () => false;
    return async () => (await sessions.peek(headers))?.name === principal.name;
  }
  return null;
}

/**
 * An event stream outlives the request that authenticated it, so a stream whose identity can end
 * re-checks its credentials every `everyMs` and is closed once they no longer hold (or the check
 * itself failed: the stricter outcome). Returns the function that stops the re-checks.
 */
export function revalidateStream(stillValid: StillValid | null, everyMs: number, close: () => void): () => void {
  if (stillValid === null) return () => {};
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    stillValid()
      .catch(() => false)
      .then((valid) => {
        checking = false;
        if (!valid) close();
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

import type { IncomingHttpHeaders } from 'node:http';
import type { Authenticator, Principal } from '../auth/authenticator.js';

/**
 * An event stream outlives the request that authenticated it, so a stream opened with a database
 * token re-checks its credentials every `everyMs` and is closed once they no longer authenticate
 * the same identity (revoked, expired, or the check itself failed: the stricter outcome). Streams
 * of environment tokens and open mode need no re-check: those identities change only on restart.
 * Returns the function that stops the re-checks.
 */
export function revalidateStream(
  auth: Authenticator,
  headers: IncomingHttpHeaders,
  principal: Principal,
  everyMs: number,
  close: () => void,
): () => void {
  if (principal.source !== 'database') return () => {};
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    auth
      .authenticate(headers)
      .then(
        (again) => again?.name !== principal.name || again.token?.id !== principal.token?.id,
        () => true,
      )
      .then((lost) => {
        checking = false;
        if (lost) close();
      });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * The bearer token lives in sessionStorage: it survives a reload but not the tab, and is never put
 * in a URL or a cookie (so other sites can't make the browser send it).
 */
const KEY = 'faramesh.token';

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null; // storage disabled: the user signs in again per page load
  }
}

export function writeToken(token: string | null): void {
  try {
    if (token === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, token);
  } catch {
    // Storage disabled: the token stays in memory only.
  }
}

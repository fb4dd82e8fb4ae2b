import { useSyncExternalStore } from 'react';

// The browser location as an external store: pushState/replaceState don't fire events, so every
// navigation goes through `navigate` here, which notifies subscribers.
const listeners = new Set<() => void>();

function notify() {
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

/** Navigates within the app (same origin only). */
export function navigate(url: string, options: { replace?: boolean } = {}): void {
  const target = new URL(url, window.location.href);
  if (target.origin !== window.location.origin) return;
  const next = target.pathname + target.search + target.hash;
  if (next === window.location.pathname + window.location.search + window.location.hash) return;
  if (options.replace === true) window.history.replaceState(null, '', next);
  else window.history.pushState(null, '', next);
  notify();
}

export function usePathname(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function useSearch(): string {
  return useSyncExternalStore(subscribe, () => window.location.search);
}

/** Updates the query string, keeping the path. */
export function updateSearch(mutate: (params: URLSearchParams) => void, options: { replace?: boolean } = {}): void {
  const params = new URLSearchParams(window.location.search);
  mutate(params);
  const text = params.toString();
  navigate(window.location.pathname + (text === '' ? '' : `?${text}`), options);
}

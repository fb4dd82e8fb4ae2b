import { useCallback, useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark';
const KEY = 'faramesh.theme';
const listeners = new Set<() => void>();

function stored(): Theme | null {
  try {
    const value = localStorage.getItem(KEY);
    return value === 'light' || value === 'dark' ? value : null;
  } catch {
    return null;
  }
}

/** The theme in force: the user's choice, else the system preference. */
export function currentTheme(): Theme {
  return stored() ?? (window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
}

/** Sets `data-theme` on <html>; CSS variables do the rest (no inline styles: the CSP forbids them). */
export function applyTheme(theme: Theme = currentTheme()): void {
  document.documentElement.dataset.theme = theme;
}

export function useTheme(): [Theme, () => void] {
  const theme = useSyncExternalStore((listener) => {
    listeners.add(listener);
    const media = window.matchMedia?.('(prefers-color-scheme: dark)');
    media?.addEventListener('change', listener);
    return () => {
      listeners.delete(listener);
      media?.removeEventListener('change', listener);
    };
  }, currentTheme);
  const toggle = useCallback(() => {
    const next: Theme = currentTheme() === 'dark' ? 'light' : 'dark';
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // not persisted; still applied for this page
    }
    applyTheme(next);
    for (const listener of listeners) listener();
  }, []);
  return [theme, toggle];
}

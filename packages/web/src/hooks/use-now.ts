import { useSyncExternalStore } from 'react';

// One shared ticker per interval, so a table of 100 timestamps sets one timer, not 100.
const tickers = new Map<
  number,
  { now: number; listeners: Set<() => void>; timer: ReturnType<typeof setInterval> | null }
>();

function ticker(intervalMs: number) {
  let entry = tickers.get(intervalMs);
  if (entry === undefined) {
    entry = { now: Date.now(), listeners: new Set(), timer: null };
    tickers.set(intervalMs, entry);
  }
  return entry;
}

/** The current time, refreshed every `intervalMs`. */
export function useNow(intervalMs: number): number {
  const entry = ticker(intervalMs);
  return useSyncExternalStore(
    (listener) => {
      entry.listeners.add(listener);
      if (entry.timer === null) {
        entry.now = Date.now();
        entry.timer = setInterval(() => {
          entry.now = Date.now();
          for (const l of entry.listeners) l();
        }, intervalMs);
      }
      return () => {
        entry.listeners.delete(listener);
        if (entry.listeners.size === 0 && entry.timer !== null) {
          clearInterval(entry.timer);
          entry.timer = null;
        }
      };
    },
    () => entry.now,
  );
}

import type { Action } from '@faramesh/contract';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type ActionFilters, matchesFilters } from '../actions/action-filters.js';
import { mergeAction } from '../actions/merge-action.js';
import { isUnauthorized } from '../api/api-error.js';
import { useSession } from '../auth/session-context.js';
import { type ActionUpdate, useActionUpdates, useLive } from '../live/live-context.js';

export interface ActionPage {
  items: Action[];
  total: number;
  loading: boolean;
  error: string | null;
  /** Actions created since this page loaded that belong to page 1 while the user is on another page. */
  newElsewhere: number;
  refresh: () => void;
}

/**
 * One server-side page of actions (limit/offset + filters), kept current by the live stream:
 * rows update in place, and new matching actions slide in on the first page.
 */
export function useActionPage(filters: ActionFilters, limit: number, offset: number): ActionPage {
  const { api } = useSession();
  const { epoch } = useLive();
  const [items, setItems] = useState<Action[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [newElsewhere, setNewElsewhere] = useState(0);
  const [tick, setTick] = useState(0);
  // Every snapshot seen on the stream, so a list answer that raced a frame can't show stale rows.
  const latest = useRef(new Map<string, Action>());
  // The rows as last rendered or about to be: several frames can arrive before React re-renders.
  const rows = useRef<Action[]>([]);
  const key = JSON.stringify(filters);

  useEffect(() => {
    void tick;
    void epoch;
    const controller = new AbortController();
    setLoading(true);
    api.listActions({ ...(JSON.parse(key) as ActionFilters), limit, offset }, controller.signal).then(
      (list) => {
        rows.current = list.items.map((item) => mergeAction(latest.current.get(item.id), item));
        setItems(rows.current);
        setTotal(list.total);
        setError(null);
        setLoading(false);
        setNewElsewhere(0);
      },
      (caught: unknown) => {
        if (controller.signal.aborted || isUnauthorized(caught)) return;
        setError(caught instanceof Error ? caught.message : String(caught));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [api, key, limit, offset, tick, epoch]);

  useActionUpdates(
    useCallback(
      ({ action, event }: ActionUpdate) => {
        const merged = mergeAction(latest.current.get(action.id), action);
        latest.current.set(action.id, merged);
        if (latest.current.size > 5000) latest.current.delete(latest.current.keys().next().value as string);
        const next = placeUpdate(rows.current, merged, JSON.parse(key) as ActionFilters, limit, offset);
        if (next === 'elsewhere') {
          if (event?.event_type === 'created') setNewElsewhere((n) => n + 1);
          return;
        }
        if (next === rows.current) return;
        const wasShown = rows.current.some((item) => item.id === action.id);
        if (event?.event_type === 'created' && !wasShown) setTotal((n) => n + 1);
        rows.current = next;
        setItems(next);
      },
      [key, limit, offset],
    ),
  );

  const refresh = useCallback(() => setTick((n) => n + 1), []);
  return { items, total, loading, error, newElsewhere, refresh };
}

/**
 * Where a live update goes: replaced in place when the row is shown; inserted by `created_at` on
 * the first page when it matches the filters; 'elsewhere' when it belongs to a page not shown.
 */
export function placeUpdate(
  rows: Action[],
  action: Action,
  filters: ActionFilters,
  limit: number,
  offset: number,
): Action[] | 'elsewhere' {
  const index = rows.findIndex((item) => item.id === action.id);
  if (index !== -1) {
    const next = rows.slice();
    next[index] = mergeAction(rows[index], action);
    return next;
  }
  if (!matchesFilters(action, filters)) return rows;
  if (offset > 0) return 'elsewhere';
  const last = rows[rows.length - 1];
  if (rows.length >= limit && last !== undefined && action.created_at < last.created_at) return rows;
  const next = [...rows, action].sort((a, b) =>
    a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0,
  );
  return next.slice(0, limit);
}

import type { Notification } from '@faramesh/contract';
import { useCallback, useEffect, useRef, useState } from 'react';
import { isUnauthorized } from '../api/api-error.js';
import { useSession } from '../auth/session-context.js';
import { type ActionUpdate, useActionUpdates } from '../live/live-context.js';

export interface ActionNotifications {
  /** null until the first answer (or when this person may not see notifications). */
  items: Notification[] | null;
  error: string | null;
  /** Fetches again now (after a re-drive, say). */
  refresh(): void;
}

/** While something is still on its way, look again this often: delivery happens off the ledger stream. */
const POLL_MS = 3000;

const settled = (items: readonly Notification[]) =>
  items.every((item) => item.state === 'delivered' || item.state === 'dead');

/**
 * An action's notifications and their delivery state. Fetched when the drawer opens, again after each
 * ledger event of the action (a decision queues new messages), and every few seconds while any is
 * queued or retrying — never more than one request at a time, and never for someone who may not decide.
 */
export function useActionNotifications(id: string, enabled: boolean): ActionNotifications {
  const { api } = useSession();
  const [items, setItems] = useState<Notification[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const inFlight = useRef(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` asks for a fresh fetch
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = () => {
      if (inFlight.current) return;
      inFlight.current = true;
      api.getNotifications(id, controller.signal).then(
        (list) => {
          inFlight.current = false;
          setItems(list.items);
          setError(null);
          if (!settled(list.items)) timer = setTimeout(load, POLL_MS);
        },
        (caught: unknown) => {
          inFlight.current = false;
          if (controller.signal.aborted || isUnauthorized(caught)) return;
          setError(caught instanceof Error ? caught.message : String(caught));
          timer = setTimeout(load, POLL_MS * 2);
        },
      );
    };
    load();
    return () => {
      controller.abort();
      inFlight.current = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [api, id, enabled, generation]);

  // A new id starts empty rather than showing the previous action's deliveries.
  useEffect(() => {
    void id;
    setItems(null);
    setError(null);
  }, [id]);

  useActionUpdates(
    useCallback(
      ({ action }: ActionUpdate) => {
        if (action.id === id) setGeneration((n) => n + 1);
      },
      [id],
    ),
  );

  const refresh = useCallback(() => setGeneration((n) => n + 1), []);
  return { items, error, refresh };
}

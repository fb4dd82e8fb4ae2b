import { useCallback, useEffect, useRef, useState } from 'react';
import { useSession } from '../auth/session-context.js';
import { type ActionUpdate, useActionUpdates, useLive } from '../live/live-context.js';

const AFFECTS_PENDING = new Set(['created', 'decision_made', 'approved', 'denied', 'expired', 'cancelled']);

/** How many actions wait for a human, re-counted by the server whenever the stream says it changed. */
export function usePendingCount(): number | null {
  const { api } = useSession();
  const { epoch } = useLive();
  const [count, setCount] = useState<number | null>(null);
  const [tick, setTick] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    void tick;
    void epoch;
    const controller = new AbortController();
    api.listActions({ status: 'pending_approval', limit: 1, offset: 0 }, controller.signal).then(
      (list) => setCount(list.total),
      () => {
        // The header count is a hint; errors show in the table.
      },
    );
    return () => controller.abort();
  }, [api, tick, epoch]);

  useEffect(() => () => clearTimeout(timer.current), []);

  useActionUpdates(
    useCallback(({ event }: ActionUpdate) => {
      if (event !== null && !AFFECTS_PENDING.has(event.event_type)) return;
      // Debounced: a burst of submissions costs one count query.
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setTick((n) => n + 1), 250);
    }, []),
  );

  return count;
}

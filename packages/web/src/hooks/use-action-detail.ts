import type { Action, ActionEvent } from '@faramesh/contract';
import { useCallback, useEffect, useState } from 'react';
import { mergeAction } from '../actions/merge-action.js';
import { isUnauthorized } from '../api/api-error.js';
import type { ExplainResponse } from '../api/faramesh-api.js';
import { useSession } from '../auth/session-context.js';
import { type ActionUpdate, useActionUpdates } from '../live/live-context.js';

export interface ActionDetail {
  action: Action | null;
  events: ActionEvent[];
  explanation: ExplainResponse | null;
  error: string | null;
  explainError: string | null;
  loading: boolean;
}

/** Everything the drawer shows about one action, kept live: new ledger events append as they happen. */
export function useActionDetail(id: string | null, seed: Action | undefined): ActionDetail {
  const { api } = useSession();
  const [action, setAction] = useState<Action | null>(seed ?? null);
  const [events, setEvents] = useState<ActionEvent[]>([]);
  const [explanation, setExplanation] = useState<ExplainResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [explainError, setExplainError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the seed only fills the first paint of a new id
  useEffect(() => {
    if (id === null) return;
    const controller = new AbortController();
    const { signal } = controller;
    setAction(seed ?? null);
    setEvents([]);
    setExplanation(null);
    setError(null);
    setExplainError(null);
    setLoading(true);
    const fail = (caught: unknown) => (caught instanceof Error ? caught.message : String(caught));
    Promise.all([api.getAction(id, signal), api.getEvents(id, signal)]).then(
      ([fresh, ledger]) => {
        setAction((current) => mergeAction(current ?? undefined, fresh));
        setEvents((current) => mergeEvents(current, ledger));
        setLoading(false);
      },
      (caught: unknown) => {
        if (signal.aborted || isUnauthorized(caught)) return;
        setError(fail(caught));
        setLoading(false);
      },
    );
    api.explain(id, signal).then(setExplanation, (caught: unknown) => {
      if (!signal.aborted && !isUnauthorized(caught)) setExplainError(fail(caught));
    });
    return () => controller.abort();
  }, [api, id]);

  useActionUpdates(
    useCallback(
      ({ action: updated, event }: ActionUpdate) => {
        if (updated.id !== id) return;
        setAction((current) => mergeAction(current ?? undefined, updated));
        if (event !== null) setEvents((current) => mergeEvents(current, [event]));
        // A frame is the same for every reader: ask the server again whether *this* person may decide
        // (a partial approval by someone else or an escalation step may have changed it).
        if (updated.status === 'pending_approval' && updated.you_may_decide === undefined) {
          api.getAction(updated.id).then(
            (fresh) => setAction((current) => mergeAction(current ?? undefined, fresh)),
            () => undefined,
          );
        }
      },
      [api, id],
    ),
  );

  return { action, events, explanation, error, explainError, loading };
}

/** Union by event id, in ledger order (the fetched list and live frames overlap after a resume). */
function mergeEvents(current: ActionEvent[], incoming: ActionEvent[]): ActionEvent[] {
  const byId = new Map(current.map((event) => [event.id, event]));
  for (const event of incoming) byId.set(event.id, event);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

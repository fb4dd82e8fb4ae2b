import type { Action, GrantRequest } from '@faramesh/contract';
import { useCallback, useState } from 'react';
import { ApiError } from '../api/api-error.js';
import { canDecide, useMe, useSession } from '../auth/session-context.js';
import { useLive } from '../live/live-context.js';

export interface Decision {
  busy: 'approve' | 'deny' | null;
  error: string | null;
  /** `grant`: also allow similar calls (approvals only). */
  decide: (approve: boolean, grant?: GrantRequest) => Promise<void>;
}

/** Approve/deny one action with an optional reason, and apply the answer to every view at once. */
export function useDecision(action: Action | null, reason: string): Decision {
  const { api } = useSession();
  const me = useMe();
  const { publish } = useLive();
  const [busy, setBusy] = useState<'approve' | 'deny' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const decide = useCallback(
    async (approve: boolean, grant?: GrantRequest) => {
      // The server refuses too; this keeps an agent's stray `a` key from even trying.
      if (action === null || busy !== null || action.status !== 'pending_approval' || !canDecide(me)) return;
      setBusy(approve ? 'approve' : 'deny');
      setError(null);
      try {
        publish(await api.decide(action, approve, reason, grant));
      } catch (caught) {
        setError(describe(caught));
        // The action may have moved on (decided elsewhere, expired): show its real state.
        api.getAction(action.id).then(publish, () => undefined);
      } finally {
        setBusy(null);
      }
    },
    [action, api, busy, me, publish, reason],
  );

  return { busy, error, decide };
}

function describe(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  switch (error.code) {
    case 'invalid_transition':
      return 'This action was already decided or is no longer pending.';
    case 'approval_token_invalid':
      return 'The approval token was rejected (already used, or the action changed).';
    case 'approval_expired':
      return 'The approval window has expired; the action was denied by default.';
    case 'self_approval_forbidden':
      return 'You submitted this action, so you cannot approve it yourself.';
    case 'forbidden':
      return 'Your role may not approve or deny actions.';
    case 'grant_ttl_too_long':
    case 'grant_invalid':
    case 'grant_forbidden':
    case 'grant_not_endorsed':
      return `Not approved: ${error.message}`;
    case 'version_conflict':
      return 'Someone else changed this action at the same moment. Check its new status.';
    default:
      return `${error.message} (${error.code})`;
  }
}

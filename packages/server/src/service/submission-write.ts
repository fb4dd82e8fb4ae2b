import type { RequestTexts } from '@faramesh/canonical';
import type { JsonObject } from '@faramesh/contract';
import type { ActionPrincipal, CompiledPolicy, Evaluation } from '@faramesh/policy';
import { createdRecord, type GrantRecord, type NewEvent, type NewOutboxMessage } from '@faramesh/store';
import type { Notifications } from '../notify/notifications.js';
import { type StoredRequest, withStoredHash } from '../redaction/stored-request.js';
import { limitMeta, type SubmissionWrite } from '../rule-limits/limit-gate.js';
import { grantedAction, type NewActionFacts, newAction, submissionMeta } from './new-action.js';

/** What one submission needs to turn a decision into the rows, events and notifications it writes. */
export interface SubmissionParts {
  /** The request as stored: its `redact` paths already digested (the policy decided on the original). */
  stored: StoredRequest;
  /** Canonical texts of the request's params and context as sent (also the stored ones when nothing was redacted). */
  texts: RequestTexts;
  policy: CompiledPolicy;
  facts: NewActionFacts;
  submitter: ActionPrincipal;
  event: (type: string, meta: JsonObject) => NewEvent;
  notifications: Notifications | undefined;
}

/**
 * Builds a submission's write for a decision — and, when a standing grant stands in for the
 * approval, for that grant (the action allowed, its decision naming the grant, the use counted with
 * the insert).
 * Called once for the decision without usage and, for a limited rule, again by the limit gate inside
 * the write transaction: the last write built is the one stored, so `queued` gives the notifications
 * what was stored queued (none: undefined).
 */
export function submissionWriter(parts: SubmissionParts): {
  write: (verdict: Evaluation, grant?: GrantRecord) => SubmissionWrite;
  queued: () => NewOutboxMessage[] | undefined;
} {
  let queued: NewOutboxMessage[] | undefined;
  const write = (verdict: Evaluation, grant?: GrantRecord): SubmissionWrite => {
    const { stored, policy, facts } = parts;
    // A call a grant allows waits for nobody: no approval state, no token, nothing to bind.
    const action =
      grant === undefined
        ? withStoredHash(newAction(stored.request, verdict, policy, facts), stored)
        : grantedAction(stored.request, verdict, policy, facts, grant);
    const meta = submissionMeta(action, parts.submitter);
    // Whoever checks a digest needs the key that made it: its id goes beside the paths.
    if (stored.keyId !== null)
      Object.assign(meta.created, { redacted: stored.redacted, redaction_key_id: stored.keyId });
    // Object.assign, not spreads: the limit's field is one the decision meta lacks (V8's slow path).
    const decided =
      verdict.limit === null ? meta.decision_made : Object.assign({}, meta.decision_made, limitMeta(verdict.limit));
    // A grant's use is recorded in the action's own decision event (no event of its own: a second
    // event hashes the ~1.2 KB snapshot again): the event names the grant (grant_id, from the action)
    // and the action whose approval made it; the use is counted on the grant in the same transaction.
    if (grant !== undefined)
      Object.assign(decided, { grant_action_id: grant.action_id, grant_max_uses: grant.max_uses });
    const events = [parts.event('created', meta.created), parts.event('decision_made', decided)];
    // The stored record is built only for a router that has channels to route to.
    const notifications =
      parts.notifications?.routing === true
        ? parts.notifications.route(createdRecord(action), events, action.created_at)
        : undefined;
    queued = notifications;
    const written: SubmissionWrite = { action, events, notifications };
    // The texts made for the request hash are the stored row's unless values were redacted.
    if (parts.stored.redacted.length === 0) written.canonical = parts.texts;
    if (grant !== undefined) written.grant_use = { id: grant.id, at: action.created_at };
    return written;
  };
  return { write, queued: () => queued };
}

import type { JsonObject } from '@faramesh/contract';
import type { ActionPrincipal, CompiledPolicy, Evaluation } from '@faramesh/policy';
import type { NewEvent } from '@faramesh/store';
import type { Notifications } from '../notify/notifications.js';
import { limitMeta, type SubmissionWrite } from '../rule-limits/limit-gate.js';
import { type NewActionFacts, newAction, submissionMeta } from './new-action.js';
import type { HashedRequest } from './request-hash.js';

/** What one submission needs to turn a decision into the rows, events and notifications it writes. */
export interface SubmissionParts {
  input: HashedRequest;
  policy: CompiledPolicy;
  facts: NewActionFacts;
  submitter: ActionPrincipal;
  event: (type: string, meta: JsonObject) => NewEvent;
  notifications: Notifications | undefined;
}

/**
 * Builds a submission's write for a decision. Called once for the decision without usage and, for a
 * limited rule, again by the limit gate inside the write transaction: the last write built is the
 * one stored, so `notifying` tells whether what was stored queued notifications.
 */
export function submissionWriter(parts: SubmissionParts): {
  write: (verdict: Evaluation) => SubmissionWrite;
  notifying: () => boolean;
} {
  let notifying = false;
  const write = (verdict: Evaluation): SubmissionWrite => {
    const action = newAction(parts.input, verdict, parts.policy, parts.facts);
    const meta = submissionMeta(action, parts.submitter);
    const decided = { ...meta.decision_made, ...limitMeta(verdict.limit) };
    const events = [parts.event('created', meta.created), parts.event('decision_made', decided)];
    const record = { ...action, updated_at: action.created_at, version: 1 };
    const notifications = parts.notifications?.route(record, events, action.created_at);
    notifying = notifications !== undefined;
    return { action, events, notifications };
  };
  return { write, notifying: () => notifying };
}

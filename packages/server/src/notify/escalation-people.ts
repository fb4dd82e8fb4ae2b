import type { ActionRecord, NewEvent } from '@faramesh/store';
import { approvalStateOf, requirementOf } from '../service/approval-state.js';

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/**
 * The people an `escalated` event's step names, as approver references (identities, `user:`,
 * groups, `group:`): whom it adds to the approvers and whom it notifies. Empty for other events.
 */
export function stepPeople(event: NewEvent): string[] {
  if (event.event_type !== 'escalated') return [];
  return [...new Set([...strings(event.meta.approvers), ...strings(event.meta.notify)])];
}

/**
 * The declared groups as the action's stored requirement snapshots them: what a step's group
 * names meant when the action was decided (a policy reload since changes nothing).
 */
export function requirementGroups(action: ActionRecord): Readonly<Record<string, readonly string[]>> {
  const state = approvalStateOf(action);
  return state === null ? {} : requirementOf(state).groups;
}

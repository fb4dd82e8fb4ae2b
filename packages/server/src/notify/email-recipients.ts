import { type ApprovalRequirement, expandRefs, identityKey, parseApproverRef } from '@faramesh/policy';
import type { ActionRecord } from '@faramesh/store';
import { approvalStateOf, requirementOf } from '../service/approval-state.js';
import { addressOf, MAX_RECIPIENTS } from './email-config.js';

/** One person a message goes to: the Faramesh identity its links are bound to, and where it is sent. */
export interface Recipient {
  identity: string;
  address: string;
}

/** What the server knows about identities that have no email for a name: the environment tokens. */
export interface IdentityDirectory {
  /** FARAMESH_TOKEN_EMAILS: token name → address. */
  tokenEmails: ReadonlyMap<string, string>;
  /** Environment tokens: name, role and groups (FARAMESH_TOKEN_GROUPS). */
  tokens: readonly { name: string; role: string; groups?: readonly string[]; shared?: boolean }[];
}

/**
 * Resolves a channel's `recipients` for one pending action into addresses, one per identity:
 * identities by their address (FARAMESH_TOKEN_EMAILS, or the name when it is an email); groups
 * declared in the policy through their members; `group:NAME` through the approver and admin
 * environment tokens with that group (people known only to the identity provider can't be listed: name them by email);
 * `approvers` through the action's own requirement (its rule's approvers and the escalation steps
 * fired so far; any approver when the rule names none). The submitter is never sent a link for
 * their own action, and identities without an address are left out. Bounded to MAX_RECIPIENTS.
 * Without an action (a channel test), `approvers` names nobody.
 */
export function resolveRecipients(
  refs: readonly string[],
  action: ActionRecord | null,
  declaredGroups: Readonly<Record<string, readonly string[]>>,
  directory: IdentityDirectory,
): Recipient[] {
  const recipients: Recipient[] = [];
  for (const identity of recipientIdentities(refs, action, declaredGroups, directory)) {
    const address = addressOf(identity, directory.tokenEmails);
    if (address !== null) recipients.push({ identity, address });
    if (recipients.length >= MAX_RECIPIENTS) break;
  }
  return recipients;
}

/**
 * The identities `refs` name for `action`, as `resolveRecipients` reads them (once each, as first
 * written, never the submitter), whether or not they have an address: what other channels that
 * reach people one by one (Slack direct messages) resolve too.
 */
export function recipientIdentities(
  refs: readonly string[],
  action: ActionRecord | null,
  declaredGroups: Readonly<Record<string, readonly string[]>>,
  directory: IdentityDirectory,
): string[] {
  const names = new Map<string, string>();
  const addName = (name: string) => {
    const key = identityKey(name);
    if (!names.has(key)) names.set(key, name);
  };
  const addRuntimeGroup = (group: string) => {
    for (const token of directory.tokens) {
      // Agents can't decide: a group they share with people doesn't make them recipients.
      if (token.role !== 'agent' && token.groups?.includes(group)) addName(token.name);
    }
  };
  const addSet = (set: ReturnType<typeof expandRefs>) => {
    for (const name of set.identities.values()) addName(name);
    for (const group of set.runtimeGroups) addRuntimeGroup(group);
  };
  for (const text of refs) {
    if (text === 'approvers') {
      if (action !== null) addApprovers(action, directory, addName, addSet);
      continue;
    }
    const parsed = parseApproverRef(text, 'approvers');
    if (!('ref' in parsed)) continue;
    const { ref } = parsed;
    if (ref.kind === 'identity') addName(ref.name);
    else if (ref.kind === 'runtime_group') addRuntimeGroup(ref.name);
    else addSet(expandRefs([ref.name], declaredGroups));
  }
  const submitter = action?.submitted_by == null ? null : identityKey(action.submitted_by);
  return [...names].filter(([key]) => key !== submitter).map(([, identity]) => identity);
}

/** The directory of the configured environment tokens (their emails from FARAMESH_TOKEN_EMAILS). */
export function identityDirectory(tokens: readonly (IdentityDirectory['tokens'][number] & { email?: string })[]) {
  return {
    tokenEmails: new Map(tokens.flatMap((t) => (t.email === undefined ? [] : [[t.name, t.email] as const]))),
    tokens,
  };
}

function addApprovers(
  action: ActionRecord,
  directory: IdentityDirectory,
  addName: (name: string) => void,
  addSet: (set: ReturnType<typeof expandRefs>) => void,
): void {
  const state = approvalStateOf(action);
  if (state === null) return;
  const requirement: ApprovalRequirement = requirementOf(state);
  if (requirement.approvers === null) {
    for (const token of directory.tokens) if (token.role === 'approver' || token.role === 'admin') addName(token.name);
    return;
  }
  const fired = requirement.escalate.slice(0, state.escalations_fired).flatMap((step) => step.approvers);
  addSet(expandRefs([...requirement.approvers, ...fired], requirement.groups));
}

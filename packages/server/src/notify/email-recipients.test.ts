import type { ActionRecord, JsonObject } from '@faramesh/store';
import { describe, expect, it } from 'vitest';
import { sampleAction } from '../testing/sample-action.js';
import { type IdentityDirectory, resolveRecipients } from './email-recipients.js';

const directory: IdentityDirectory = {
  tokenEmails: new Map([
    ['bob', 'bob@corp.example'],
    ['dave', 'dave@corp.example'],
    ['root', 'ops@corp.example'],
    ['bot', 'bot@corp.example'],
  ]),
  tokens: [
    { name: 'bob', role: 'approver', groups: ['finance-idp'] },
    { name: 'dave', role: 'approver', groups: ['sre'] },
    { name: 'erin', role: 'approver', groups: ['sre'] },
    { name: 'root', role: 'admin' },
    { name: 'bot', role: 'agent', groups: ['sre'] },
  ],
};
const GROUPS = { finance: ['alice@corp.example', 'user:bob', 'carol'] };

/** A pending action whose stored requirement names `approvers`, with `escalate` steps (`fired` of them reached). */
function pending(
  approvers: string[] | null,
  options: { submittedBy?: string; escalate?: string[][]; fired?: number } = {},
) {
  const requirement = {
    approvers,
    approvals: 1,
    expires_in_ms: null,
    escalate: (options.escalate ?? []).map((step, i) => ({ after_ms: (i + 1) * 60_000, approvers: step, notify: [] })),
    groups: GROUPS,
  };
  return {
    ...sampleAction({
      status: 'pending_approval',
      decision: 'require_approval',
      submitted_by: options.submittedBy ?? 'bot',
    }),
    version: 1,
    updated_at: new Date().toISOString(),
    approval: {
      requirement: requirement as unknown as JsonObject,
      decisions: [],
      escalations_fired: options.fired ?? 0,
      next_escalation_at: null,
      submitter_shared: false,
    },
  } as ActionRecord;
}

const resolve = (refs: string[], action: ActionRecord | null) => resolveRecipients(refs, action, GROUPS, directory);

describe('email recipients', () => {
  it('mails identities at their address: an email name is its own, a token name needs FARAMESH_TOKEN_EMAILS', () => {
    expect(resolve(['alice@corp.example', 'user:bob', 'user:erin'], pending(null))).toEqual([
      { identity: 'alice@corp.example', address: 'alice@corp.example' },
      { identity: 'bob', address: 'bob@corp.example' },
    ]);
  });

  it('expands policy groups through their members and group: through the approver tokens that have it', () => {
    expect(resolve(['finance', 'group:sre'], pending(null, { submittedBy: 'someone' })).map((r) => r.identity)).toEqual(
      ['alice@corp.example', 'bob', 'dave'],
    );
  });

  it('resolves `approvers` from the action: its rule, plus the escalation steps reached', () => {
    const action = pending(['finance'], { escalate: [['group:sre'], ['user:root']], fired: 1 });
    expect(resolve(['approvers'], action).map((r) => r.identity)).toEqual(['alice@corp.example', 'bob', 'dave']);
    const anyApprover = pending(null);
    expect(resolve(['approvers'], anyApprover).map((r) => r.identity)).toEqual(['bob', 'dave', 'root']);
  });

  it('never mails the submitter, and mails each identity once however often it is named', () => {
    const action = pending(['finance'], { submittedBy: 'Alice@Corp.Example' });
    expect(resolve(['approvers', 'finance', 'alice@corp.example', 'user:bob'], action)).toEqual([
      { identity: 'bob', address: 'bob@corp.example' },
    ]);
  });

  it('names nobody for `approvers` without an action (a channel test)', () => {
    expect(resolve(['approvers', 'user:bob'], null)).toEqual([{ identity: 'bob', address: 'bob@corp.example' }]);
  });
});

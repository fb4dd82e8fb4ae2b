import { describe, expect, it } from 'vitest';
import { type BreakGlassActor, mayAcknowledge, mayBreakGlass } from './break-glass-rules.js';

const admin = (name: string, shared = false): BreakGlassActor => ({ name, role: 'admin', shared });
const approver = (name: string): BreakGlassActor => ({ name, role: 'approver', shared: false });
const agent = (name: string): BreakGlassActor => ({ name, role: 'agent', shared: false });

// Each row: who acts, on what, and the expected verdict (`ok`, `ok (same identity)` or a refusal code).
const BREAK_CASES: [string, BreakGlassActor, string | null, unknown, string][] = [
  ['an admin with a reason may', admin('carol'), 'bot', 'prod outage', 'ok'],
  ['an approver may not', approver('alice'), 'bot', 'prod outage', 'forbidden'],
  ['an agent may not', agent('bot2'), 'bot', 'prod outage', 'forbidden'],
  ['no reason is refused', admin('carol'), 'bot', undefined, 'break_glass_reason_required'],
  ['a blank reason is refused', admin('carol'), 'bot', ' \n\t', 'break_glass_reason_required'],
  ['a reason of zero-width spaces is refused', admin('carol'), 'bot', '\u200b\u200b', 'break_glass_reason_required'],
  [
    'a reason of format characters and spaces is refused',
    admin('carol'),
    'bot',
    ' \u2060\ufeff\u202e\u00a0',
    'break_glass_reason_required',
  ],
  ['a reason that is not text is refused', admin('carol'), 'bot', 42, 'break_glass_reason_required'],
  ['a reason over 2000 characters is refused', admin('carol'), 'bot', 'x'.repeat(2001), 'break_glass_reason_required'],
  ['a reason of 2000 characters is fine', admin('carol'), 'bot', 'x'.repeat(2000), 'ok'],
  ['a reason of 2000 emoji is fine: characters, not UTF-16 units', admin('carol'), 'bot', '🔥'.repeat(2000), 'ok'],
  ['a reason of 2001 emoji is refused', admin('carol'), 'bot', '🔥'.repeat(2001), 'break_glass_reason_required'],
  ['the submitter may not break glass on its own action', admin('carol'), 'carol', 'urgent', 'self_approval_forbidden'],
  [
    'a shared identity may, recorded as the same identity',
    admin('admin', true),
    'admin',
    'urgent',
    'ok (same identity)',
  ],
  ['an unknown submitter is nobody in particular', admin('carol'), null, 'urgent', 'ok'],
];

const ACK_CASES: [
  string,
  BreakGlassActor,
  { broken_by: string; submitted_by: string | null; acknowledged_by: string | null },
  string,
][] = [
  ['another approver may', approver('alice'), { broken_by: 'carol', submitted_by: 'bot', acknowledged_by: null }, 'ok'],
  ['another admin may', admin('dana'), { broken_by: 'carol', submitted_by: 'bot', acknowledged_by: null }, 'ok'],
  ['an agent may not', agent('bot'), { broken_by: 'carol', submitted_by: 'x', acknowledged_by: null }, 'forbidden'],
  [
    'whoever broke the glass may not',
    admin('carol'),
    { broken_by: 'carol', submitted_by: 'bot', acknowledged_by: null },
    'self_review_forbidden',
  ],
  [
    'the submitter may not',
    approver('alice'),
    { broken_by: 'carol', submitted_by: 'alice', acknowledged_by: null },
    'self_review_forbidden',
  ],
  [
    'a shared identity may, recorded as the same identity',
    admin('admin', true),
    { broken_by: 'admin', submitted_by: 'admin', acknowledged_by: null },
    'ok (same identity)',
  ],
  [
    'an acknowledged review is not acknowledged again',
    approver('alice'),
    { broken_by: 'carol', submitted_by: 'bot', acknowledged_by: 'dave' },
    'review_already_acknowledged',
  ],
];

function outcome(verdict: ReturnType<typeof mayBreakGlass>): string {
  if (!verdict.ok) return verdict.code;
  return verdict.same_identity ? 'ok (same identity)' : 'ok';
}

describe('who may break glass', () => {
  it.each(BREAK_CASES)('%s', (_name, actor, submittedBy, reason, expected) => {
    expect(outcome(mayBreakGlass(actor, submittedBy, reason))).toBe(expected);
  });

  it('says why in words', () => {
    const verdict = mayBreakGlass(approver('alice'), 'bot', 'x');
    expect(verdict).toMatchObject({ ok: false, message: expect.stringContaining('only admin') });
  });
});

describe('who may acknowledge a break-glass review', () => {
  it.each(ACK_CASES)('%s', (_name, actor, review, expected) => {
    expect(outcome(mayAcknowledge(actor, review))).toBe(expected);
  });
});

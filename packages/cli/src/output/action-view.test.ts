import type { Action } from '@faramesh/contract';
import { describe, expect, it } from 'vitest';
import { actionDetail, listRow } from './action-view.js';
import { colours } from './colour.js';

const c = colours(false);
const action = (fields: Partial<Action>): Action =>
  ({
    id: '2755d4a8-0000-4000-8000-000000000000',
    agent_id: 'bot',
    tool: 'shell',
    operation: 'run',
    params: {},
    context: {},
    status: 'failed',
    decision: 'allow',
    reason: null,
    reason_code: 'rule',
    risk_level: 'low',
    risk_rule: null,
    matched_rule: null,
    policy_version: '1',
    policy_hash: 'abcdef0123456789',
    request_hash: 'h',
    approval_expires_at: null,
    approval_decided_by: null,
    approval_decided_at: null,
    approval_reason: null,
    submitted_by: 'bot',
    started_at: null,
    finished_at: null,
    result_error: null,
    created_at: '2026-01-12T10:00:00.000Z',
    updated_at: '2026-01-12T10:00:00.000Z',
    version: 1,
    approvals_required: null,
    approvals: [],
    waiting_for: null,
    escalation_step: 0,
    escalation_steps: 0,
    next_escalation_at: null,
    ...fields,
  }) as Action;

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters that must never be printed raw
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;

describe('actionDetail', () => {
  it("shows an agent's result error with escapes and bidi characters as markers, never raw", () => {
    const lines = actionDetail(action({ result_error: 'boom\u001b[2K\u001b[1A\rFAKE\u202eexe.txt' }), c);
    expect(lines.join('\n')).not.toMatch(RAW);
    expect(lines).toContain('Error:        boom⟨U+001B⟩[2K⟨U+001B⟩[1A⟨U+000D⟩FAKE⟨U+202E⟩exe.txt');
  });

  it('marks what agents and approvers wrote in every field: names, params, context, reasons, votes', () => {
    const text = 'x\u001b[31m\u2066\u009b';
    const lines = actionDetail(
      action({
        agent_id: `bot${text}`,
        tool: `shell${text}`,
        operation: `run${text}`,
        params: { cmd: `ls${text}\u007f` },
        context: { why: text },
        reason: `policy${text}`,
        approval_decided_by: `alice${text}`,
        approval_reason: `ok${text}`,
        approvals_required: 2,
        approvals: [{ by: `bob${text}`, at: '2026-01-12T10:00:00.000Z', reason: `fine${text}` }],
        waiting_for: { text: `finance${text}` } as Action['waiting_for'],
        matched_rule: { index: 0, description: `rule${text}` } as Action['matched_rule'],
      }),
      c,
    ).join('\n');
    expect(lines).not.toMatch(RAW);
    for (const word of ['bot', 'shell', 'run', 'policy', 'alice', 'ok', 'bob', 'fine', 'finance', 'rule']) {
      expect(lines).toContain(`${word}x⟨U+001B⟩[31m⟨U+2066⟩⟨U+009B⟩`);
    }
    expect(lines).toContain('"lsx\\u001b[31m⟨U+2066⟩⟨U+009B⟩⟨U+007F⟩"');
  });

  it('keeps the line breaks of a multi-line error or reason, each further line indented under the value', () => {
    const lines = actionDetail(action({ result_error: 'Traceback:\n  line 1\nStatus:       approved' }), c);
    const error = lines.find((line) => line.startsWith('Error:'));
    expect(error).toBe('Error:        Traceback:\n                line 1\n              Status:       approved');
    // A forged row starts in the value column, never at the start of a line.
    expect(lines.join('\n')).not.toMatch(/^Status: {7}approved/m);
  });

  it('marks line breaks in one-line fields, so a name cannot fake a row', () => {
    const lines = actionDetail(action({ agent_id: 'bot\nStatus: approved' }), c);
    expect(lines).toContain('Agent:        bot⟨U+000A⟩Status: approved');
  });
});

describe('listRow', () => {
  it('marks hidden characters in the tool and operation columns', () => {
    const row = listRow(action({ tool: 'shell\u202e', operation: 'run\u2066' }), c, false);
    expect(row.slice(3, 5)).toEqual(['shell⟨U+202E⟩', 'run⟨U+2066⟩']);
  });
});

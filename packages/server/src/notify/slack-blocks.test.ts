import type { Action } from '@faramesh/contract';
import { describe, expect, it } from 'vitest';
import { parseDecisionActionId } from './slack-action-id.js';
import { blockKitProblems } from './slack-block-kit-check.test-support.js';
import { approvalMessage, escapeMrkdwn, SLACK_LIMITS, testMessage } from './slack-blocks.js';

const ID = '2755d4a8-1c1e-4a6b-9f8e-0123456789ab';
const HASH = 'a'.repeat(64);

function action(overrides: Partial<Action> = {}): Action {
  return {
    id: ID,
    agent_id: 'billing-agent',
    tool: 'stripe',
    operation: 'refund',
    params: { amount: 5000, currency: 'usd' },
    context: {},
    status: 'pending_approval',
    decision: 'require_approval',
    reason: 'Refunds need two of finance',
    reason_code: 'rule_require_approval',
    risk_level: 'high',
    risk_rule: null,
    matched_rule: { index: 0, description: 'Refunds need two of finance' },
    policy_version: '1',
    policy_hash: 'p'.repeat(64),
    request_hash: HASH,
    approval_token: 'never-show-this-token',
    approval_expires_at: '2030-01-01T00:30:00.000Z',
    approval_decided_by: null,
    approval_decided_at: null,
    approval_reason: null,
    submitted_by: 'bot',
    started_at: null,
    finished_at: null,
    result_error: null,
    created_at: '2030-01-01T00:00:00.000Z',
    updated_at: '2030-01-01T00:00:00.000Z',
    version: 1,
    summary: '5000 USD',
    approvals_required: 2,
    approvals: [],
    waiting_for: { any_approver: false, approvers: ['finance'], identities: [], runtime_groups: [], text: 'finance' },
    escalation_step: 0,
    escalation_steps: 0,
    next_escalation_at: null,
    ...overrides,
  };
}

const texts = (m: ReturnType<typeof approvalMessage>) => JSON.stringify(m.blocks);
const buttons = (m: ReturnType<typeof approvalMessage>) =>
  m.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => ('action_id' in e ? e.action_id : null)) : []));

describe('Slack approval messages', () => {
  it('shows what will happen, risk, reason, requester, expiry, progress and a dashboard link', () => {
    const message = approvalMessage(action(), 'https://faramesh.example.com/?action=x');
    expect(blockKitProblems(message.blocks, message.text)).toEqual([]);
    const all = texts(message);
    for (const part of [
      'Approval needed: stripe refund',
      '5000 USD',
      '*Risk*',
      'high',
      'Refunds need two of finance',
      'billing-agent (bot)',
      '<!date^1893457800^{date_short_pretty} {time}|2030-01-01T00:30:00.000Z>',
      '0 of 2 · waiting for finance',
      'https://faramesh.example.com/?action=x',
    ]) {
      expect(all).toContain(part);
    }
    expect(message.text).toBe('Approval needed: stripe refund: 5000 USD (high risk)');
  });

  it('carries the action id and request_hash in the buttons, never the approval token', () => {
    const message = approvalMessage(action(), null);
    expect(buttons(message)).toEqual([`faramesh:approve:${ID}:${HASH}`, `faramesh:deny:${ID}:${HASH}`]);
    expect(JSON.stringify(message)).not.toContain('never-show-this-token');
    expect(parseDecisionActionId(`faramesh:approve:${ID}:${HASH}`)).toEqual({
      approve: true,
      actionId: ID,
      requestHash: HASH,
    });
    expect(parseDecisionActionId(`faramesh:deny:${ID}:${HASH}`)?.approve).toBe(false);
    for (const bad of [`faramesh:open:${ID}`, `faramesh:approve:${ID}:${HASH}x`, `faramesh:approve:x:${HASH}`, '']) {
      expect(parseDecisionActionId(bad)).toBeNull();
    }
  });

  it('drops the buttons once decided and says who decided', () => {
    const votes = [
      { by: 'alice', at: '2030-01-01T00:01:00.000Z', reason: null },
      { by: 'bob', at: '2030-01-01T00:02:00.000Z', reason: null },
    ];
    const approved = approvalMessage(
      action({ status: 'approved', approvals: votes, waiting_for: null, approval_decided_by: 'bob' }),
      'https://faramesh.example.com/?action=x',
    );
    expect(blockKitProblems(approved.blocks, approved.text)).toEqual([]);
    expect(buttons(approved)).toEqual([`faramesh:open:${ID}`]);
    expect(texts(approved)).toContain('*Approved* by alice, bob');
    expect(texts(approved)).toContain('2 of 2 (alice, bob)');
    expect(texts(approved)).not.toContain('*Expires*');
    const denied = approvalMessage(
      action({ status: 'denied', approval_decided_by: 'carol', approval_reason: 'not <!here>', waiting_for: null }),
      null,
    );
    expect(denied.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(texts(denied)).toContain('*Denied* by carol: not &lt;!here&gt;');
    expect(texts(approvalMessage(action({ status: 'expired', waiting_for: null }), null))).toContain('*Expired*');
  });

  it('keeps what the agent sent from formatting, linking or mentioning anyone', () => {
    const hostile = '<!channel> <https://evil.example|click here> & *bold*';
    const message = approvalMessage(
      action({ agent_id: hostile, reason: hostile, summary: hostile, tool: '<@U0ADMIN>' }),
      null,
    );
    // Slack parses mrkdwn text objects (and the top-level text); plain_text and rich text it shows as is.
    const mrkdwn = JSON.stringify(message.blocks)
      .match(/"type":"mrkdwn","text":"(?:[^"\\]|\\.)*"/g)
      ?.join('\n');
    expect(mrkdwn).toContain(escapeMrkdwn(hostile));
    expect(mrkdwn).not.toContain('<!channel>');
    expect(mrkdwn).not.toContain('<https://evil');
    expect(mrkdwn).not.toContain('<@U0ADMIN>');
    expect(message.text).not.toMatch(/<!channel>|<@U0ADMIN>/);
    // The summary is shown as preformatted rich text: literal, never parsed.
    const rich = message.blocks.find((b) => b.type === 'rich_text');
    expect(JSON.stringify(rich)).toContain(JSON.stringify(hostile).slice(1, -1));
  });

  it('stays within Block Kit limits however long the action text is', () => {
    const long = 'x'.repeat(10_000);
    const message = approvalMessage(
      action({ tool: long, operation: long, agent_id: long, reason: long, summary: long, submitted_by: long }),
      `https://faramesh.example.com/?action=${'y'.repeat(100)}`,
    );
    expect(blockKitProblems(message.blocks, message.text)).toEqual([]);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  });

  it('builds a plain test message', () => {
    const message = testMessage('carol <!here>');
    expect(blockKitProblems(message.blocks, message.text)).toEqual([]);
    expect(message.text).toBe('Faramesh test notification, requested by carol &lt;!here&gt;');
  });
});

import type { Action } from '@faramesh/contract';
import type { KnownBlock } from '@slack/web-api';
import { decisionActionId } from './slack-action-id.js';

/** A message as chat.postMessage / chat.update take it: blocks, and the text notifications show. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** Block Kit's limits (https://docs.slack.dev/reference/block-kit/blocks). */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  buttonText: 75,
  actionId: 255,
  contextElements: 10,
  preformatted: 3000,
  blocks: 50,
  /** Slack truncates `text` beyond 40,000; keep the notification line short. */
  fallbackText: 3000,
} as const;

/**
 * Escapes text for Slack's mrkdwn: `&`, `<` and `>` are its only control characters, and escaping
 * them keeps agent-sent text from forming links, @-mentions (`<!channel>`) or dates.
 */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

const RISK_MARK: Record<string, string> = {
  low: ':large_green_circle:',
  medium: ':large_yellow_circle:',
  high: ':red_circle:',
};

/** `<!date^…>` shows the time in each reader's own time zone, with the ISO text as fallback. */
function slackDate(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return Number.isFinite(seconds) ? `<!date^${seconds}^{date_short_pretty} {time}|${iso}>` : escapeMrkdwn(iso);
}

function progress(action: Action): string | null {
  if (action.approvals_required === null) return null;
  const who = action.approvals.map((vote) => escapeMrkdwn(vote.by)).join(', ');
  const count = `${action.approvals.length} of ${action.approvals_required}${who === '' ? '' : ` (${who})`}`;
  const waiting = action.waiting_for?.text;
  return waiting === undefined || waiting === '' ? count : `${count} · waiting for ${escapeMrkdwn(waiting)}`;
}

/** What the message says the action's state is, once it is no longer waiting. */
function outcome(action: Action): { title: string; line: string } | null {
  const by = escapeMrkdwn(action.approval_decided_by ?? 'unknown');
  const why = action.approval_reason === null ? '' : `: ${escapeMrkdwn(cut(action.approval_reason, 500))}`;
  const approvers = action.approvals.map((vote) => escapeMrkdwn(vote.by)).join(', ') || by;
  switch (action.status) {
    case 'pending_approval':
      return null;
    case 'approved':
    case 'executing':
    case 'succeeded':
    case 'failed': {
      const ran = action.status === 'approved' ? '' : ` · execution ${action.status}`;
      return { title: 'Approved', line: `:white_check_mark: *Approved* by ${approvers}${why}${ran}` };
    }
    case 'denied':
      return { title: 'Denied', line: `:no_entry: *Denied* by ${by}${why}` };
    case 'expired':
      return action.approval_decided_by === null
        ? { title: 'Expired', line: ':hourglass: *Expired*: no decision in time' }
        : { title: 'Expired', line: `:hourglass: *Expired*: approved by ${approvers}, but not started in time` };
    case 'cancelled':
      return { title: 'Cancelled', line: ':heavy_multiplication_x: *Cancelled* before a decision' };
    default:
      return { title: action.status, line: `*${escapeMrkdwn(action.status)}*` };
  }
}

/**
 * The Block Kit message for an action that needs approval: the one-line summary the dashboard
 * shows (as preformatted rich text, so nothing the agent sent is formatted or linked), risk,
 * reason, requester, expiry, quorum progress, a dashboard link and, while it waits, Approve and
 * Deny buttons. Once decided, the same message without buttons, saying who decided.
 */
export function approvalMessage(action: Action, dashboardUrl: string | null): SlackMessage {
  const done = outcome(action);
  const what = `${action.tool} ${action.operation}`;
  const summary = action.summary ?? '';
  const fields = [
    `*Risk*\n${RISK_MARK[action.risk_level] ?? ''} ${escapeMrkdwn(action.risk_level)}`,
    `*Requested by*\n${escapeMrkdwn(action.agent_id)}${action.submitted_by === null ? '' : ` (${escapeMrkdwn(action.submitted_by)})`}`,
    `*Reason*\n${escapeMrkdwn(action.reason ?? action.reason_code)}`,
  ];
  if (action.status === 'pending_approval' && action.approval_expires_at !== null) {
    fields.push(`*Expires*\n${slackDate(action.approval_expires_at)}`);
  }
  const approvals = progress(action);
  if (approvals !== null) fields.push(`*Approvals*\n${approvals}`);
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: cut(`${done?.title ?? 'Approval needed'}: ${what}`, SLACK_LIMITS.headerText) },
    },
    {
      type: 'rich_text',
      elements: [
        {
          type: 'rich_text_preformatted',
          elements: [{ type: 'text', text: cut(summary === '' ? what : summary, SLACK_LIMITS.preformatted) }],
        },
      ],
    },
    {
      type: 'section',
      fields: fields.map((text) => ({ type: 'mrkdwn', text: cut(text, SLACK_LIMITS.fieldText) })),
    },
  ];
  if (done !== null) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cut(done.line, SLACK_LIMITS.sectionText) } });
  }
  const context = [`Action \`${action.id}\``, `request \`${action.request_hash.slice(0, 12)}\``];
  if (action.matched_rule !== null) context.push(`rule ${action.matched_rule.index + 1}`);
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context.join(' · ') }] });
  const buttons = [];
  if (done === null) {
    buttons.push(
      {
        type: 'button' as const,
        text: { type: 'plain_text' as const, text: 'Approve' },
        style: 'primary' as const,
        action_id: decisionActionId(true, action.id, action.request_hash),
        value: action.id,
      },
      {
        type: 'button' as const,
        text: { type: 'plain_text' as const, text: 'Deny' },
        style: 'danger' as const,
        action_id: decisionActionId(false, action.id, action.request_hash),
        value: action.id,
        confirm: {
          title: { type: 'plain_text' as const, text: 'Deny this action?' },
          text: { type: 'plain_text' as const, text: cut(`${what}: ${summary}`, 300) },
          confirm: { type: 'plain_text' as const, text: 'Deny' },
          deny: { type: 'plain_text' as const, text: 'Back' },
          style: 'danger' as const,
        },
      },
    );
  }
  if (dashboardUrl !== null) {
    buttons.push({
      type: 'button' as const,
      text: { type: 'plain_text' as const, text: 'Open in Faramesh' },
      action_id: `faramesh:open:${action.id}`,
      url: dashboardUrl,
    });
  }
  if (buttons.length > 0) blocks.push({ type: 'actions', block_id: 'faramesh_decision', elements: buttons });
  const line = done === null ? `Approval needed: ${what}` : `${done.title}: ${what}`;
  return {
    text: cut(escapeMrkdwn(`${line}: ${summary} (${action.risk_level} risk)`), SLACK_LIMITS.fallbackText),
    blocks,
  };
}

/** `faramesh channels test NAME` for a Slack channel. */
export function testMessage(requestedBy: string): SlackMessage {
  const text = `Faramesh test notification, requested by ${escapeMrkdwn(requestedBy)}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: cut(text, SLACK_LIMITS.sectionText) } }] };
}

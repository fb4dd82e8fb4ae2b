import { revealAsText } from '@faramesh/contract';
import { escapeHtml } from '../auth/auth-pages.js';
import { actionSummary } from '../service/action-summary.js';

/** What an approval email says about its action: every field but the links came from the agent's request. */
export interface ApprovalMail {
  action: {
    id: string;
    agent_id: string;
    tool: string;
    operation: string;
    params: Record<string, unknown>;
    risk_level: string;
    reason: string | null;
    submitted_by: string | null;
    approval_expires_at: string | null;
  };
  recipient: { identity: string; address: string };
  approveUrl: string;
  denyUrl: string;
  dashboardUrl: string;
  linkExpiresAt: string;
}

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

const SUBJECT_CHARS = 140;

/**
 * The message for one recipient: the dashboard's one-line summary, risk, reason, requester and
 * expiry, and the one-time Approve / Deny links, as plain text and HTML. Agent-supplied text is
 * shown with its invisible characters revealed (a right-to-left override can't disguise a
 * command) and, in the HTML part, escaped; nothing in it can become markup, a link or a header.
 */
export function approvalMail(mail: ApprovalMail): MailContent {
  const { action } = mail;
  const shown = (text: string) => revealAsText(text);
  const summary = shown(actionSummary(action.params));
  const what = `${shown(action.tool)} ${shown(action.operation)}: ${summary}`;
  const requester =
    action.submitted_by === null
      ? `agent ${shown(action.agent_id)}`
      : `agent ${shown(action.agent_id)} (as ${shown(action.submitted_by)})`;
  const rows: Array<[string, string]> = [
    ['What will happen', what],
    ['Risk', shown(action.risk_level)],
    ['Reason', shown(action.reason ?? '')],
    ['Requested by', requester],
    ['Decide by', action.approval_expires_at ?? 'no deadline'],
    ['Action', action.id],
  ];
  const footer = `These links work once, only for ${mail.recipient.identity}, until ${mail.linkExpiresAt}. Opening one shows a confirmation page: nothing is decided until you confirm there.`;
  const subject = oneLine(`[Faramesh] Approval needed (${action.risk_level} risk): ${what}`);
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  const text = [
    'An agent is waiting for your decision.',
    '',
    ...rows.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`),
    '',
    `Approve: ${mail.approveUrl}`,
    `Deny:    ${mail.denyUrl}`,
    '',
    footer,
    `Dashboard: ${mail.dashboardUrl}`,
    '',
  ].join('\n');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family: system-ui, sans-serif; color: #111;">
<p>An agent is waiting for your decision.</p>
<table cellpadding="4" style="border-collapse: collapse;">
${rows.map(([label, value]) => `<tr><th align="left" valign="top">${escapeHtml(label)}</th><td style="font-family: ui-monospace, monospace; white-space: pre-wrap; word-break: break-all;">${escapeHtml(value)}</td></tr>`).join('\n')}
</table>
<p>
<a href="${escapeHtml(mail.approveUrl)}" style="display: inline-block; padding: 8px 16px; background: #166534; color: #fff; text-decoration: none; border-radius: 4px;">Approve…</a>
&nbsp;
<a href="${escapeHtml(mail.denyUrl)}" style="display: inline-block; padding: 8px 16px; background: #991b1b; color: #fff; text-decoration: none; border-radius: 4px;">Deny…</a>
</p>
<p style="color: #555; font-size: 90%;">${escapeHtml(footer)}<br><a href="${escapeHtml(mail.dashboardUrl)}">Open the dashboard</a></p>
</body></html>
`;
  return { subject, text, html };
}

/** A test message for `faramesh channels test NAME`. */
export function testMail(channel: string, requestedBy: string, recipient: string): MailContent {
  const line = `This is a test message from the Faramesh email channel "${channel}", requested by ${revealAsText(requestedBy)}, sent to ${recipient}.`;
  return {
    subject: `[Faramesh] Test message from channel ${channel}`,
    text: `${line}\n`,
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"></head><body><p>${escapeHtml(line)}</p></body></html>\n`,
  };
}

/** One header-safe line, bounded (revealAsText already turned line breaks into visible markers). */
function oneLine(text: string): string {
  const flat = [...text.replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')];
  return flat.length > SUBJECT_CHARS ? `${flat.slice(0, SUBJECT_CHARS - 1).join('')}…` : flat.join('');
}

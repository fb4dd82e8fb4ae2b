import { revealAsText } from '@faramesh/contract';
import type { ActionRecord } from '@faramesh/store';
import { escapeHtml } from '../auth/auth-pages.js';
import { actionSummary } from '../service/action-summary.js';
import { approvalStateOf, requirementOf } from '../service/approval-state.js';
import { EMAIL_APPROVAL_PATH } from './email-channel.js';
import type { EmailLink } from './email-link.js';

export interface ConfirmPage {
  link: EmailLink;
  token: string;
  action: ActionRecord;
  /** The session's CSRF token, or the link's form token (link-only approval without a session). */
  formToken: string;
  signedInAs: string | null;
}

/**
 * The confirmation page an email link opens (GET changes nothing): what will happen, risk, reason,
 * requester, deadline and quorum progress, and one button that posts the decision with its form
 * token. Plain HTML, no script, no style (the dashboard's CSP applies); agent text revealed and escaped.
 */
export function renderConfirmPage(page: ConfirmPage): string {
  const { action, link } = page;
  const approve = link.decision === 'approve';
  const verb = approve ? 'Approve' : 'Deny';
  const shown = (text: string) => escapeHtml(revealAsText(text));
  const rows: Array<[string, string]> = [
    ['What will happen', `${shown(action.tool)} ${shown(action.operation)}: ${shown(actionSummary(action.params))}`],
    ['Risk', shown(action.risk_level)],
    ['Reason', shown(action.reason ?? '')],
    [
      'Requested by',
      `agent ${shown(action.agent_id)}${action.submitted_by === null ? '' : ` (as ${shown(action.submitted_by)})`}`,
    ],
    ['Decide by', escapeHtml(action.approval_expires_at ?? 'no deadline')],
    ['Approvals', escapeHtml(progress(action))],
    ['Action', escapeHtml(action.id)],
  ];
  const who =
    page.signedInAs === null
      ? `This link was sent to ${link.identity}; it decides as them.`
      : `Signed in as ${page.signedInAs}.`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${verb} this action? · Faramesh</title></head>
<body><main>
<h1>${verb} this action?</h1>
<p>${escapeHtml(`Confirming will ${approve ? 'approve' : 'deny'} the action below. ${who} The link works once.`)}</p>
<table>
${rows.map(([label, value]) => `<tr><th scope="row" align="left">${escapeHtml(label)}</th><td><code>${value}</code></td></tr>`).join('\n')}
</table>
<form method="post" action="${EMAIL_APPROVAL_PATH}">
<input type="hidden" name="t" value="${escapeHtml(page.token)}">
<input type="hidden" name="csrf" value="${escapeHtml(page.formToken)}">
<p><label>Reason (optional) <input name="reason" maxlength="1000" autocomplete="off"></label></p>
<p><button type="submit">${verb}</button></p>
</form>
<p><a href="/?action=${encodeURIComponent(action.id)}">Open it in the dashboard instead</a></p>
</main></body></html>`;
}

/** "1 of 2 approvals" and who still has to decide, as far as the stored requirement says. */
function progress(action: ActionRecord): string {
  const state = approvalStateOf(action);
  if (state === null) return 'none needed';
  const required = requirementOf(state).approvals;
  const approvals = state.decisions.filter((decision) => decision.approve).length;
  const names = state.decisions.filter((d) => d.approve).map((d) => d.by);
  return `${approvals} of ${required}${names.length === 0 ? '' : ` (${names.join(', ')})`}`;
}

/** What the person sees after deciding. */
export function outcomeParagraphs(action: ActionRecord, decision: EmailLink['decision']): string[] {
  if (action.status === 'approved') return ['The action is approved. The agent may now run it.'];
  if (action.status === 'denied') return ['The action is denied. The agent will not run it.'];
  if (decision === 'approve') {
    return [`Your approval is recorded. Approvals so far: ${progress(action)}; the action waits for the rest.`];
  }
  return [`Your decision is recorded; the action is ${action.status}.`];
}

import type { Action } from '@faramesh/contract';
import { approvalRows } from './approval-progress.js';
import { type Colours, paintDecision, paintRisk, paintStatus } from './colour.js';
import { formatDateTime, shortId } from './format.js';
import { ruleNumber } from './rule-number.js';
import { safeJson, safeText } from './safe-text.js';
import { SUMMARY_WIDTH, summaryCell } from './summary-cell.js';

/** The columns of `list`, as the seed's table shows them, with the params as the action's one-line summary. */
export const LIST_HEAD = ['ID', 'Status', 'Risk', 'Tool', 'Operation', 'Summary', 'Created'];

export function listRow(action: Action, c: Colours, full: boolean): string[] {
  return [
    full ? action.id : shortId(action.id),
    paintStatus(c, action.status),
    paintRisk(c, action.risk_level),
    safeText(action.tool),
    safeText(action.operation),
    full ? summaryCell(action) : summaryCell(action, SUMMARY_WIDTH),
    formatDateTime(action.created_at),
  ];
}

/**
 * Every field of one action as `Label: value` lines (for `get` and the answers of approve/deny).
 * Whatever an agent or a person wrote goes through `safeText`; only the free-text reasons and the
 * result error keep their line breaks, each further line indented under the value so it can't pose
 * as a row of its own.
 */
export function actionDetail(action: Action, c: Colours): string[] {
  const text = (value: string | null | undefined): string | null => (value ? safeText(value) : null);
  const multiline = (value: string | null | undefined): string | null =>
    value ? safeText(value, { multiline: true }) : null;
  const rows: Array<[string, string | null | undefined]> = [
    ['Status', paintStatus(c, action.status)],
    ['Decision', paintDecision(c, action.decision)],
    ['Reason', action.reason ? `${multiline(action.reason)} (${text(action.reason_code)})` : text(action.reason_code)],
    [
      'Risk Level',
      `${paintRisk(c, action.risk_level)}${action.risk_rule ? ` (risk rule: ${text(action.risk_rule)})` : ''}`,
    ],
    [
      'Matched Rule',
      action.matched_rule
        ? `${ruleNumber(action.matched_rule.index)}${action.matched_rule.description ? ` ${text(action.matched_rule.description)}` : ''}`
        : 'none (default deny)',
    ],
    ['Agent', text(action.agent_id)],
    ['Tool', text(action.tool)],
    ['Operation', text(action.operation)],
    ['Params', safeJson(action.params)],
    ['Context', Object.keys(action.context).length > 0 ? safeJson(action.context) : null],
    ['Policy', `${text(action.policy_version)} (${text(action.policy_hash.slice(0, 12))})`],
    ['Request Hash', text(action.request_hash)],
    ['Submitted By', text(action.submitted_by)],
    ['Approval Token', text(action.approval_token)],
    ['Approval Expires', action.approval_expires_at ? formatDateTime(action.approval_expires_at) : null],
    [
      'Decided By',
      action.approval_decided_by
        ? `${text(action.approval_decided_by)}${action.approval_decided_at ? ` at ${formatDateTime(action.approval_decided_at)}` : ''}`
        : null,
    ],
    ['Decision Reason', multiline(action.approval_reason)],
    ...approvalRows(action),
    ['Started', action.started_at ? formatDateTime(action.started_at) : null],
    ['Finished', action.finished_at ? formatDateTime(action.finished_at) : null],
    ['Error', multiline(action.result_error)],
    ['Created', formatDateTime(action.created_at)],
    ['Updated', `${formatDateTime(action.updated_at)} (version ${action.version})`],
  ];
  const shown = rows.filter((row): row is [string, string] => row[1] !== null && row[1] !== undefined && row[1] !== '');
  const width = Math.max(...shown.map(([label]) => label.length)) + 1;
  const indent = `\n${' '.repeat(width + 1)}`;
  return shown.map(([label, value]) => `${`${label}:`.padEnd(width + 1)}${value.replaceAll('\n', indent)}`);
}

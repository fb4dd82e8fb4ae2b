import type { Action } from '@faramesh/contract';
import type { ReactNode } from 'react';
import { DECISION_LABELS } from '../actions/status-labels.js';
import { formatAbsolute } from '../text/format-time.js';
import { RiskBadge } from './risk-badge.js';
import { SafeText } from './safe-text.js';
import { StatusBadge } from './status-badge.js';

/** Every scalar field of the action; params and context are shown separately as JSON. */
export function ActionFields({ action }: { action: Action }) {
  const rows: Array<[string, ReactNode]> = [
    ['ID', <Mono key="id" text={action.id} />],
    ['Status', <StatusBadge key="s" status={action.status} />],
    ['Decision', DECISION_LABELS[action.decision] ?? action.decision],
    ['Reason', action.reason === null ? <Muted key="r" /> : <SafeText key="r" text={action.reason} multiline />],
    ['Reason code', <Mono key="rc" text={action.reason_code} />],
    ['Risk', <RiskBadge key="k" risk={action.risk_level} />],
    [
      'Risk rule',
      action.risk_rule === null ? (
        <Muted key="rr" text="none matched (default low)" />
      ) : (
        <SafeText key="rr" text={action.risk_rule} />
      ),
    ],
    [
      'Matched rule',
      action.matched_rule === null ? (
        <Muted key="m" text="none: denied by default" />
      ) : (
        <span key="m">
          #{action.matched_rule.index + 1}
          {action.matched_rule.description !== null && (
            <>
              {' — '}
              <SafeText text={action.matched_rule.description} />
            </>
          )}
        </span>
      ),
    ],
    ['Agent', <Mono key="a" text={action.agent_id} />],
    ['Tool', <Mono key="t" text={action.tool} />],
    ['Operation', <Mono key="o" text={action.operation} />],
    ['Submitted by', optional(action.submitted_by)],
    ['Created', time(action.created_at)],
    ['Updated', time(action.updated_at)],
    ['Approval expires', time(action.approval_expires_at)],
    ['Decided by', optional(action.approval_decided_by)],
    ['Decided at', time(action.approval_decided_at)],
    [
      'Approval reason',
      action.approval_reason === null ? (
        <Muted key="ar" />
      ) : (
        <SafeText key="ar" text={action.approval_reason} multiline />
      ),
    ],
    ['Started', time(action.started_at)],
    ['Finished', time(action.finished_at)],
    [
      'Result error',
      action.result_error === null ? <Muted key="re" /> : <SafeText key="re" text={action.result_error} multiline />,
    ],
    ['Policy version', <Mono key="pv" text={action.policy_version} />],
    ['Policy hash', <Mono key="ph" text={action.policy_hash} />],
    ['Request hash', <Mono key="rh" text={action.request_hash} />],
    ['Version', String(action.version)],
  ];
  return (
    <dl className="fields">
      {rows.map(([label, value]) => (
        <div key={label} className="field-row">
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Mono({ text }: { text: string }) {
  return <SafeText text={text} className="mono break" />;
}

function Muted({ text = '—' }: { text?: string }) {
  return <span className="muted">{text}</span>;
}

function optional(value: string | null): ReactNode {
  return value === null ? <Muted /> : <SafeText text={value} />;
}

function time(iso: string | null): ReactNode {
  return iso === null ? <Muted /> : <time dateTime={iso}>{formatAbsolute(iso)}</time>;
}

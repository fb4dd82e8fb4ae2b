import { Check, Minus, X } from 'lucide-react';
import { DECISION_LABELS, RISK_LABELS } from '../actions/status-labels.js';
import type { ConditionTrace, Explanation, LimitTrace, RiskTrace, RuleTrace, ShellTrace } from '../api/explanation.js';
import { SafeText } from './safe-text.js';

/** Every rule the engine tried, in order: which matched, which condition failed, which was never reached. */
export function PolicyTrace({ explanation }: { explanation: Explanation }) {
  return (
    <div className="trace">
      <h4 className="trace-heading">Rules (first match wins)</h4>
      {explanation.rules.length === 0 ? (
        <p className="muted">The policy has no rules: everything is denied.</p>
      ) : (
        <ol className="trace-list">
          {explanation.rules.map((rule) => (
            <TraceItem
              key={`r${rule.index}`}
              trace={rule}
              title={ruleTitle(rule)}
              outcome={DECISION_LABELS[rule.effect] ?? rule.effect}
            />
          ))}
        </ol>
      )}
      {explanation.matched_rule === null && (
        <p className="trace-note">No rule matched, so the action is denied by default.</p>
      )}
      {explanation.risk.length > 0 && (
        <>
          <h4 className="trace-heading">Risk rules (first match sets the risk)</h4>
          <ol className="trace-list">
            {explanation.risk.map((risk) => (
              <TraceItem
                key={`k${risk.index}`}
                trace={risk}
                title={risk.name}
                outcome={`${RISK_LABELS[risk.risk_level] ?? risk.risk_level} risk`}
              />
            ))}
          </ol>
        </>
      )}
      {explanation.reason_code === 'high_risk_upgrade' && (
        <p className="trace-note">High risk turned an allow into require approval.</p>
      )}
      {explanation.limit && <LimitNote limit={explanation.limit} />}
      {explanation.normalized_command !== null && (
        <p className="trace-note">
          Command as normalized for matching:{' '}
          <code>
            <SafeText text={explanation.normalized_command} />
          </code>
        </p>
      )}
      {explanation.shell && <ShellCommands shell={explanation.shell} />}
    </div>
  );
}

/** The deciding rule's limit: the usage in its window, this call's amount, and whether it still fits. */
function LimitNote({ limit }: { limit: LimitTrace }) {
  const call =
    limit.amount === null ? `this call's ${limit.sum ?? 'amount'} is unreadable` : `this call ${limit.amount}`;
  return (
    <p className="trace-note limit-note">
      Limit of rule {limit.rule + 1}: <code>{limit.text}</code> — {limit.used} used in its window now, {call}:{' '}
      {limit.reached ? (
        <strong>over the limit now, so {DECISION_LABELS[limit.over_limit] ?? limit.over_limit}</strong>
      ) : (
        'within the limit now'
      )}
      .
    </p>
  );
}

/** The commands the engine found in the shell command line, and why it couldn't resolve it if it couldn't. */
function ShellCommands({ shell }: { shell: ShellTrace }) {
  return (
    <div className="trace-note">
      Commands that would run:
      <ul className="trace-conditions">
        {shell.commands.map((command, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: commands are positional
          <li key={i}>
            <code>
              <SafeText text={[command.name, ...command.args].join(' ')} />
            </code>
            {command.via.length > 0 && (
              <span className="muted">
                {' '}
                via <SafeText text={command.via.join(' › ')} />
              </span>
            )}
          </li>
        ))}
      </ul>
      {!shell.complete && (
        <p>
          Not fully understood, so shell conditions take the stricter outcome:{' '}
          <SafeText text={shell.problems.join('; ')} />
        </p>
      )}
    </div>
  );
}

function ruleTitle(rule: RuleTrace): string {
  return rule.description ?? rule.name ?? `Rule ${rule.index + 1}`;
}

const STATUS_TEXT = { matched: 'matched', not_matched: 'did not match', not_evaluated: 'not reached' } as const;

function TraceItem({ trace, title, outcome }: { trace: RuleTrace | RiskTrace; title: string; outcome: string }) {
  const Icon = trace.status === 'matched' ? Check : trace.status === 'not_matched' ? X : Minus;
  return (
    <li className={`trace-item trace-${trace.status}`}>
      <div className="trace-row">
        <Icon size={16} aria-hidden className="trace-icon" />
        <span className="trace-index">#{trace.index + 1}</span>
        <span className="trace-title">
          <SafeText text={title} />
        </span>
        <span className="trace-outcome">→ {outcome}</span>
        <span className="trace-status">{STATUS_TEXT[trace.status] ?? trace.status}</span>
      </div>
      {trace.conditions.length > 0 && (
        <ul className="trace-conditions">
          {trace.conditions.map((condition, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: conditions are positional within their rule
            <ConditionLine key={i} condition={condition} />
          ))}
        </ul>
      )}
    </li>
  );
}

function ConditionLine({ condition }: { condition: ConditionTrace }) {
  return (
    <li className={condition.matched ? 'condition condition-ok' : 'condition condition-fail'}>
      <span className="visually-hidden">{condition.matched ? 'passed: ' : 'failed: '}</span>
      <span aria-hidden>{condition.matched ? '✓' : '✗'}</span> <code>{condition.key}</code> expected{' '}
      <code>
        <SafeText text={short(condition.expected)} />
      </code>
      , got{' '}
      <code>
        <SafeText text={short(condition.actual)} />
      </code>
    </li>
  );
}

function short(value: unknown): string {
  let text: string;
  try {
    text = value === undefined ? '(missing)' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

import { FlaskConical } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { asExplanation } from '../api/explanation.js';
import type { PlaygroundRequest, PlaygroundResult } from '../api/faramesh-api.js';
import { useSession } from '../auth/session-context.js';
import { DecisionBadge } from '../components/decision-badge.js';
import { ErrorDetails } from '../components/error-details.js';
import { JsonView } from '../components/json-view.js';
import { PolicyTrace } from '../components/policy-trace.js';
import { RiskBadge } from '../components/risk-badge.js';
import { SafeText } from '../components/safe-text.js';
import { parseActionInput } from '../playground/parse-action-input.js';
import { PLAYGROUND_EXAMPLES, POLICY_TEMPLATE } from '../playground/playground-examples.js';

const FIRST = JSON.stringify(PLAYGROUND_EXAMPLES[0]?.action ?? {}, null, 2);

/** The FAQ's policy playground: paste an action, see decision, risk and the full trace; nothing is stored. */
export function PlaygroundPage() {
  const { api } = useSession();
  const [actionText, setActionText] = useState(FIRST);
  const [useCustomPolicy, setUseCustomPolicy] = useState(false);
  const [policyText, setPolicyText] = useState(POLICY_TEMPLATE);
  const [result, setResult] = useState<{ request: PlaygroundRequest; answer: PlaygroundResult } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const parsed = parseActionInput(actionText);

  async function evaluate(event?: FormEvent) {
    event?.preventDefault();
    if (!parsed.ok || busy) return;
    const request: PlaygroundRequest = useCustomPolicy ? { ...parsed.request, policy: policyText } : parsed.request;
    setBusy(true);
    setError(null);
    try {
      setResult({ request, answer: await api.evaluate(request) });
    } catch (caught) {
      setResult(null);
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const explanation = result === null ? null : asExplanation(result.answer.explanation);

  return (
    <main className="page playground-page" id="main">
      <div className="page-head">
        <h1 className="page-title">Policy playground</h1>
        <p className="muted">Evaluate an action against the policy. Nothing is stored and no agent is told.</p>
      </div>
      <div className="playground-grid">
        <form
          className="playground-form"
          onSubmit={evaluate}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void evaluate(event);
          }}
        >
          <div className="field">
            <div className="field-head">
              <label htmlFor="pg-action" className="field-label">
                Action (JSON)
              </label>
              <label className="inline-select">
                <span className="visually-hidden">Load an example</span>
                <select
                  value=""
                  onChange={(event) => {
                    const example = PLAYGROUND_EXAMPLES.find((e) => e.name === event.target.value);
                    if (example !== undefined) setActionText(JSON.stringify(example.action, null, 2));
                  }}
                >
                  <option value="">Examples…</option>
                  {PLAYGROUND_EXAMPLES.map((example) => (
                    <option key={example.name} value={example.name}>
                      {example.name}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <textarea
              id="pg-action"
              className="code-input"
              rows={12}
              spellCheck={false}
              value={actionText}
              onChange={(event) => setActionText(event.target.value)}
              aria-invalid={!parsed.ok}
              aria-describedby="pg-action-status"
            />
            <p id="pg-action-status" className={parsed.ok ? 'field-help' : 'field-error'}>
              {parsed.ok ? 'Fields: agent_id, tool, operation, params, context.' : parsed.error}
            </p>
          </div>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={useCustomPolicy}
              onChange={(event) => setUseCustomPolicy(event.target.checked)}
            />
            Evaluate against a custom policy (YAML) instead of the server's
          </label>
          {useCustomPolicy && (
            <div className="field">
              <label htmlFor="pg-policy" className="field-label">
                Policy (YAML)
              </label>
              <textarea
                id="pg-policy"
                className="code-input"
                rows={14}
                spellCheck={false}
                value={policyText}
                onChange={(event) => setPolicyText(event.target.value)}
              />
            </div>
          )}
          <button type="submit" className="button button-primary button-large" disabled={!parsed.ok || busy}>
            <FlaskConical size={18} aria-hidden />
            {busy ? 'Evaluating…' : 'Evaluate'}
            <kbd aria-hidden>Ctrl ↵</kbd>
          </button>
        </form>

        <section className="playground-result" aria-labelledby="pg-result-title" aria-live="polite">
          <h2 id="pg-result-title" className="section-title">
            Result
          </h2>
          {error !== null && <ErrorDetails error={error} />}
          {result === null && error === null && (
            <p className="muted">Evaluate an action to see the decision and the rule trace.</p>
          )}
          {result !== null && (
            <div className="result" data-testid="playground-result">
              <div className="result-head">
                <DecisionBadge decision={result.answer.decision} />
                <RiskBadge risk={result.answer.risk_level} />
              </div>
              <dl className="fields">
                <div className="field-row">
                  <dt>Reason</dt>
                  <dd>
                    {result.answer.reason === null ? (
                      <span className="muted">—</span>
                    ) : (
                      <SafeText text={result.answer.reason} />
                    )}
                  </dd>
                </div>
                <div className="field-row">
                  <dt>Reason code</dt>
                  <dd className="mono">{result.answer.reason_code}</dd>
                </div>
                <div className="field-row">
                  <dt>Matched rule</dt>
                  <dd>
                    {result.answer.matched_rule === null ? (
                      'none: denied by default'
                    ) : (
                      <>
                        #{result.answer.matched_rule.index + 1}
                        {result.answer.matched_rule.description !== null && (
                          <>
                            {' — '}
                            <SafeText text={result.answer.matched_rule.description} />
                          </>
                        )}
                      </>
                    )}
                  </dd>
                </div>
                <div className="field-row">
                  <dt>Risk rule</dt>
                  <dd>
                    {result.answer.risk_rule === null ? 'none matched' : <SafeText text={result.answer.risk_rule} />}
                  </dd>
                </div>
                <div className="field-row">
                  <dt>Policy</dt>
                  <dd className="mono break">
                    {result.request.policy !== undefined ? 'custom (this page) · ' : ''}
                    <SafeText text={`${result.answer.policy_version} · ${result.answer.policy_hash.slice(0, 12)}`} />
                  </dd>
                </div>
              </dl>
              <h3 className="section-title">Rule trace</h3>
              {explanation !== null ? (
                <PolicyTrace explanation={explanation} />
              ) : (
                <JsonView value={result.answer.explanation} label="Explanation as JSON" />
              )}
              <h3 className="section-title">Action as evaluated</h3>
              <JsonView
                value={{ ...result.request, policy: undefined }}
                label="The evaluated action as JSON, with hidden characters shown"
              />
            </div>
          )}
        </section>
      </div>
    </main>
  );
}

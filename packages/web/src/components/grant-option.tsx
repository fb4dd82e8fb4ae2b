import type { GrantDraft } from '../hooks/use-grant-draft.js';

const KIND_LABELS: Readonly<Record<string, string>> = {
  command: 'same command',
  path_under: 'path under',
  url_host: 'URL on host',
  at_most: 'at most',
  equals: 'exactly',
  any: 'anything',
};

/**
 * "Also allow similar calls": a standing grant made with this approval. Shows the scope the server
 * proposes, one row per param (each can be tightened to its exact value, or its value edited),
 * the duration (required) and an optional number of uses.
 */
export function GrantOption({ draft, agent }: { draft: GrantDraft; agent: string }) {
  return (
    <fieldset className="grant-option" data-testid="grant-option">
      <label className="grant-toggle">
        <input
          type="checkbox"
          checked={draft.enabled}
          onChange={(event) => draft.setEnabled(event.currentTarget.checked)}
        />
        Also allow similar calls <span className="muted">(a standing grant, recorded in the ledger)</span>
      </label>
      {draft.enabled && draft.loadError !== null && (
        <p className="field-error" role="alert">
          The proposed scope could not be loaded: {draft.loadError}
        </p>
      )}
      {draft.enabled && draft.proposal === null && draft.loadError === null && <p className="muted">Loading…</p>}
      {draft.enabled && draft.proposal !== null && (
        <div className="grant-fields">
          <p className="muted">
            Calls of {String(draft.proposal.scope.tool)} {String(draft.proposal.scope.operation)} by{' '}
            <strong>{agent}</strong> whose parameters are:
          </p>
          {draft.rows.length === 0 && <p className="muted">none (calls without parameters)</p>}
          {draft.rows.map((row, index) => (
            <div className="grant-row" key={row.key} data-param={row.key}>
              <span className="grant-key">{row.key}</span>
              <select
                aria-label={`How ${row.key} is constrained`}
                value={row.kind}
                onChange={(event) => draft.setRow(index, { ...row, kind: event.currentTarget.value })}
              >
                {[...new Set([row.proposedKind, 'equals'])].map((kind) => (
                  <option key={kind} value={kind}>
                    {KIND_LABELS[kind] ?? kind}
                  </option>
                ))}
              </select>
              <input
                aria-label={`Value for ${row.key}`}
                value={row.value}
                onChange={(event) => draft.setRow(index, { ...row, value: event.currentTarget.value })}
              />
            </div>
          ))}
          <div className="grant-limits">
            <label>
              For <span className="muted">(required, at most {formatSeconds(draft.proposal.max_ttl_seconds)})</span>
              <input
                aria-label="Grant duration"
                value={draft.ttl}
                onChange={(event) => draft.setTtl(event.currentTarget.value)}
                required
              />
            </label>
            <label>
              Uses <span className="muted">(optional)</span>
              <input
                aria-label="Grant uses"
                inputMode="numeric"
                value={draft.uses}
                onChange={(event) => draft.setUses(event.currentTarget.value)}
              />
            </label>
            {(draft.proposal.high_risk_required || draft.proposal.may_grant_high_risk) && (
              <label>
                <input
                  type="checkbox"
                  checked={draft.highRisk}
                  disabled={!draft.proposal.may_grant_high_risk}
                  onChange={(event) => draft.setHighRisk(event.currentTarget.checked)}
                />
                Also cover high-risk calls
                {!draft.proposal.may_grant_high_risk && <span className="muted"> (admins only)</span>}
              </label>
            )}
          </div>
        </div>
      )}
      {draft.error !== null && (
        <p className="field-error" role="alert">
          {draft.error}
        </p>
      )}
    </fieldset>
  );
}

function formatSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400}d`;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

import type { Grant } from '@faramesh/contract';
import { KeyRound } from 'lucide-react';
import { useCallback, useEffect, useState } from 'react';
import { canDecide, useMe, useSession } from '../auth/session-context.js';
import { RelativeTime } from '../components/relative-time.js';
import { SafeText } from '../components/safe-text.js';
import { AppLink } from '../routing/app-link.js';
import { useSearch } from '../routing/location-store.js';

/** Standing grants: what is allowed without asking, until when, how often used; revoke with one click. */
export function GrantsPage() {
  const { api } = useSession();
  const me = useMe();
  const highlighted = new URLSearchParams(useSearch()).get('grant');
  const [all, setAll] = useState(highlighted !== null);
  const [grants, setGrants] = useState<Grant[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(
    (signal?: AbortSignal) =>
      api.listGrants(all ? 'all' : 'active', signal).then(
        (page) => {
          setGrants(page.items);
          setError(null);
        },
        (caught: unknown) => {
          if (!signal?.aborted) setError(caught instanceof Error ? caught.message : String(caught));
        },
      ),
    [all, api],
  );

  useEffect(() => {
    const abort = new AbortController();
    void load(abort.signal);
    return () => abort.abort();
  }, [load]);

  async function revoke(grant: Grant) {
    setBusy(grant.id);
    try {
      await api.revokeGrant(grant.id);
      await load();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(null);
    }
  }

  return (
    <main className="page grants-page" id="main">
      <div className="page-head">
        <h1 className="page-title">Standing grants</h1>
        <label className="grant-show-all">
          <input type="checkbox" checked={all} onChange={(event) => setAll(event.currentTarget.checked)} />
          Also used up, expired and revoked
        </label>
      </div>
      {error !== null && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {grants !== null && grants.length === 0 && (
        <p className="muted" data-testid="no-grants">
          {all ? 'No grants yet.' : 'No active grants.'} Approve an action with "Also allow similar calls" to make one.
        </p>
      )}
      {grants !== null && grants.length > 0 && (
        <table className="grants-table">
          <thead>
            <tr>
              <th scope="col">Scope</th>
              <th scope="col">State</th>
              <th scope="col">Uses</th>
              <th scope="col">Expires</th>
              <th scope="col">Made by</th>
              <th scope="col">
                <span className="visually-hidden">Revoke</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {grants.map((grant) => (
              <tr
                key={grant.id}
                data-grant-id={grant.id}
                data-state={grant.state}
                className={grant.id === highlighted ? 'highlighted' : undefined}
              >
                <td>
                  <SafeText text={scopeText(grant.scope)} />
                  <div className="muted">
                    approving <AppLink href={`/?action=${grant.action_id}`}>{grant.action_id.slice(0, 8)}</AppLink>
                    {grant.high_risk && ' · covers high risk'}
                  </div>
                </td>
                <td className={`grant-state grant-${grant.state}`}>{grant.state}</td>
                <td>{grant.max_uses === null ? grant.uses : `${grant.uses} of ${grant.max_uses}`}</td>
                <td>
                  <RelativeTime iso={grant.expires_at} />
                </td>
                <td>
                  <SafeText text={grant.created_by.map((c) => c.name).join(', ')} />
                </td>
                <td>
                  {grant.state === 'active' && canDecide(me) && (
                    <button
                      type="button"
                      className="button button-deny"
                      disabled={busy !== null}
                      onClick={() => void revoke(grant)}
                    >
                      <KeyRound size={16} aria-hidden /> {busy === grant.id ? 'Revoking…' : 'Revoke'}
                    </button>
                  )}
                  {grant.state === 'revoked' && grant.revoked_by !== null && (
                    <span className="muted">
                      by <SafeText text={grant.revoked_by} />
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}

/** How each kind of constraint reads after its param's name: `path: under /srv/data`. */
const CONSTRAINT_WORDS: Readonly<Record<string, string>> = {
  command: 'same command',
  path_under: 'under',
  url_host: 'on host',
  at_most: 'at most',
  equals: 'exactly',
};

/** `shell run by bot: cmd: same command ls -la /tmp`, `files read by bot: path: under /srv/data`. */
function scopeText(scope: Record<string, unknown>): string {
  const agent = typeof scope.agent_id === 'string' ? scope.agent_id : String(scope.agent_pattern ?? '?');
  const params = Object.entries((scope.params ?? {}) as Record<string, Record<string, unknown>>).map(([key, c]) => {
    const [kind, value] = Object.entries(c)[0] ?? ['?', null];
    if (kind === 'any') return `${key}: anything`;
    const words = CONSTRAINT_WORDS[kind] ?? kind;
    return `${key}: ${words} ${typeof value === 'string' ? value : JSON.stringify(value)}`;
  });
  return `${String(scope.tool)} ${String(scope.operation)} by ${agent}${params.length > 0 ? `: ${params.join('; ')}` : ''}`;
}

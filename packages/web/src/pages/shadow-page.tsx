import type { ShadowPolicyStatus, ShadowReport } from '@faramesh/contract';
import { Eye, ShieldOff } from 'lucide-react';
import { useEffect, useState } from 'react';
import { isUnauthorized } from '../api/api-error.js';
import { useSession } from '../auth/session-context.js';
import { DecisionBadge } from '../components/decision-badge.js';
import { ErrorDetails } from '../components/error-details.js';
import { RelativeTime } from '../components/relative-time.js';
import { SafeText } from '../components/safe-text.js';
import { AppLink } from '../routing/app-link.js';
import { updateSearch, useSearch } from '../routing/location-store.js';

const WINDOWS = [
  { since: '1h', label: 'hour', ms: 3_600_000 },
  { since: '24h', label: '24 hours', ms: 86_400_000 },
  { since: '7d', label: '7 days', ms: 604_800_000 },
] as const;

type ReportWindow = (typeof WINDOWS)[number];

/** "What this policy would have changed": the shadow policy's report over a chosen window. */
export function ShadowPage() {
  const { api } = useSession();
  const search = new URLSearchParams(useSearch());
  const window = WINDOWS.find((w) => w.since === search.get('since')) ?? WINDOWS[1];
  const [status, setStatus] = useState<ShadowPolicyStatus | null>(null);
  // A report keeps the window it was asked for: while another window's loads, its heading still
  // says what its counts cover.
  const [shown, setShown] = useState<{ report: ShadowReport; window: ReportWindow } | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    setError(null);
    // One catch for both requests: a report that fails (or is aborted, the window left) is no
    // unhandled rejection.
    const load = async () => {
      const current = await api.shadowPolicy(signal);
      setStatus(current);
      const report = current.active ? await api.shadowReport(window.since, signal) : null;
      if (!signal.aborted) setShown(report === null ? null : { report, window });
    };
    load().catch((caught: unknown) => {
      if (!signal.aborted && !isUnauthorized(caught)) setError(caught);
    });
    return () => controller.abort();
  }, [api, window]);

  return (
    <main className="page shadow-page" id="main">
      <div className="page-head">
        <h1 className="page-title">Shadow policy</h1>
        <p className="muted">
          A candidate policy evaluated beside the active one on every submission. It changes no decision; this is what
          it would have changed.
        </p>
      </div>
      {error !== null && <ErrorDetails error={error} />}
      {status !== null && !status.active && (
        <p className="notice" data-testid="shadow-none">
          No shadow policy is set. Set one with <code>faramesh policy shadow set FILE</code>,{' '}
          <code>POST /v1/policy/shadow</code> or <code>FARAMESH_SHADOW_POLICY</code>.
        </p>
      )}
      {status?.active && (
        <>
          <p className="shadow-status">
            <Eye size={16} aria-hidden /> Version <strong>{status.version}</strong>,{' '}
            <code title={status.hash ?? ''}>{status.hash?.slice(0, 12)}</code>, {status.rules} rules, from{' '}
            {status.source === 'file' ? <code>{status.file}</code> : 'the API'}
            {status.set_by !== null && <> (set by {status.set_by})</>}
          </p>
          {(status.redaction_change?.stops.length ?? 0) > 0 && (
            <div className="warning-banner" role="alert" data-testid="shadow-redaction-stops">
              <ShieldOff size={16} aria-hidden />
              <p>
                Promoting it would stop redacting{' '}
                {status.redaction_change?.stops.map((path, i) => (
                  <span key={path}>
                    {i > 0 && ', '}
                    <code>
                      <SafeText text={path} />
                    </code>
                  </span>
                ))}
                : those values would be stored in the clear from then on.
              </p>
            </div>
          )}
          <nav className="window-picker" aria-label="Time window">
            {WINDOWS.map((w) => (
              <button
                key={w.since}
                type="button"
                className={`button ${w === window ? '' : 'button-ghost'}`}
                aria-pressed={w === window}
                onClick={() => updateSearch((p) => p.set('since', w.since), { replace: true })}
              >
                {w.label}
              </button>
            ))}
          </nav>
        </>
      )}
      {shown !== null && <ReportView report={shown.report} window={shown.window} />}
    </main>
  );
}

function ReportView({ report, window }: { report: ShadowReport; window: ReportWindow }) {
  // The report counts from when this candidate began being evaluated when that is later than the
  // window's start: say so rather than claim the whole window.
  const partial = Date.parse(report.since) > Date.parse(report.until) - window.ms + 1000;
  return (
    <section className="shadow-report" aria-labelledby="shadow-report-title" data-testid="shadow-report">
      <h2 id="shadow-report-title">
        {partial ? (
          <>
            What this policy would have changed since it was set, <RelativeTime iso={report.since} />
          </>
        ) : (
          <>What this policy would have changed in the last {window.label}</>
        )}
      </h2>
      <p data-testid="shadow-summary">
        <strong>{report.disagreements}</strong> of {report.submissions} submissions would have been decided differently.
      </p>
      {report.transitions.length > 0 && (
        <table className="shadow-table" data-testid="shadow-transitions">
          <caption className="visually-hidden">Changes by decision</caption>
          <thead>
            <tr>
              <th scope="col">Now</th>
              <th scope="col">Would be</th>
              <th scope="col">Actions</th>
              <th scope="col">Examples</th>
            </tr>
          </thead>
          <tbody>
            {report.transitions.map((t) => (
              <tr key={`${t.from}-${t.to}`} data-from={t.from} data-to={t.to}>
                <td>
                  <DecisionBadge decision={t.from} />
                </td>
                <td>
                  <DecisionBadge decision={t.to} />
                </td>
                <td className="count">{t.count}</td>
                <td>
                  <Examples ids={t.examples} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report.rules.length > 0 && (
        <>
          <h3>By rule of the shadow policy</h3>
          <table className="shadow-table" data-testid="shadow-rules">
            <thead>
              <tr>
                <th scope="col">Rule</th>
                <th scope="col">Change</th>
                <th scope="col">Actions</th>
                <th scope="col">Examples</th>
              </tr>
            </thead>
            <tbody>
              {report.rules.map((r) => (
                <tr key={`${r.rule?.index ?? 'none'}-${r.from}-${r.to}`}>
                  <td>
                    {r.rule === null ? (
                      'No rule matched (default deny)'
                    ) : (
                      <>
                        #{r.rule.index + 1} {r.rule.description !== null && <SafeText text={r.rule.description} />}
                      </>
                    )}
                  </td>
                  <td>
                    {r.from} → {r.to}
                  </td>
                  <td className="count">{r.count}</td>
                  <td>
                    <Examples ids={r.examples} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

function Examples({ ids }: { ids: string[] }) {
  return (
    <span className="examples">
      {ids.map((id) => (
        <AppLink key={id} href={`/?action=${id}`} className="example-link" title={id}>
          {id.slice(0, 8)}
        </AppLink>
      ))}
    </span>
  );
}

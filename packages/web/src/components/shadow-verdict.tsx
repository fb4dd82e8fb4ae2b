import type { ShadowVerdict } from '@faramesh/contract';
import { DecisionBadge } from './decision-badge.js';
import { SafeText } from './safe-text.js';

/** The drawer's note of what the shadow policy would have decided, when it disagreed. */
export function ShadowVerdictSection({ shadow }: { shadow: ShadowVerdict }) {
  return (
    <section className="drawer-section shadow-verdict" aria-labelledby="sec-shadow" data-testid="shadow-verdict">
      <h3 id="sec-shadow">Shadow policy</h3>
      <p>
        The shadow policy <code title={shadow.policy_hash}>{shadow.policy_hash.slice(0, 12)}</code>{' '}
        {shadow.kind === 'decision'
          ? 'would have decided differently:'
          : 'would have decided the same, by another rule:'}{' '}
        <DecisionBadge decision={shadow.decision} />
      </p>
      <p className="muted">
        {shadow.rule === null ? (
          'No rule of the shadow policy matched (denied by default).'
        ) : (
          <>
            Its rule #{shadow.rule.index + 1}
            {shadow.rule.description !== null && (
              <>
                : <SafeText text={shadow.rule.description} />
              </>
            )}
          </>
        )}
        {shadow.reason !== null && shadow.reason !== shadow.rule?.description && (
          <>
            {' '}
            — <SafeText text={shadow.reason} />
          </>
        )}
      </p>
    </section>
  );
}

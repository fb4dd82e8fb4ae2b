import type { Action } from '@faramesh/contract';
import { ChevronDown, ChevronUp, X } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { isDemoAction } from '../actions/demo-action.js';
import { asExplanation } from '../api/explanation.js';
import { canDecide, useMe, useSession } from '../auth/session-context.js';
import { useActionDetail } from '../hooks/use-action-detail.js';
import { useActionNotifications } from '../hooks/use-action-notifications.js';
import { useDecision } from '../hooks/use-decision.js';
import { useFocusTrap } from '../hooks/use-focus-trap.js';
import { useGrantDraft } from '../hooks/use-grant-draft.js';
import { isTypingTarget } from '../hooks/use-keyboard-shortcuts.js';
import { AppLink } from '../routing/app-link.js';
import { ActionFields } from './action-fields.js';
import { ApprovalPanel } from './approval-panel.js';
import { BreakGlassBadge } from './break-glass-badge.js';
import { BreakGlassPanel } from './break-glass-panel.js';
import { CurlPanel } from './curl-panel.js';
import { DeliveryList } from './delivery-list.js';
import { DemoBadge } from './demo-badge.js';
import { EventTimeline } from './event-timeline.js';
import { HiddenCharsWarning } from './hidden-chars-warning.js';
import { JsonView } from './json-view.js';
import { PolicyTrace } from './policy-trace.js';
import { RiskBadge } from './risk-badge.js';
import { SafeText } from './safe-text.js';
import { ShadowVerdictSection } from './shadow-verdict.js';
import { StatusBadge } from './status-badge.js';

interface ActionDrawerProps {
  id: string;
  seed: Action | undefined;
  onClose: () => void;
  onStep: (direction: 1 | -1) => void;
  onNextPending: () => void;
  restoreFocus: () => HTMLElement | null;
}

/** The detail view of one action, as a modal side panel (full screen on a phone). */
export function ActionDrawer({ id, seed, onClose, onStep, onNextPending, restoreFocus }: ActionDrawerProps) {
  const me = useMe();
  const { api } = useSession();
  const detail = useActionDetail(id, seed);
  const [reason, setReason] = useState('');
  const baseDecision = useDecision(detail.action, reason);
  const grantDraft = useGrantDraft(detail.action);
  // An approval carries the standing grant when "also allow similar calls" is on (also with the `a` key).
  const decision = {
    ...baseDecision,
    decide: async (approve: boolean) => {
      const grant = approve ? grantDraft.request() : null;
      if (grant === 'invalid') return;
      await baseDecision.decide(approve, grant ?? undefined);
    },
  };
  const notifications = useActionNotifications(id, canDecide(me));
  const panel = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useFocusTrap(panel, true, restoreFocus);

  // A new action in the same drawer starts with an empty reason and focus on its title.
  useEffect(() => {
    void id;
    setReason('');
    heading.current?.focus();
  }, [id]);

  const latestDecide = useRef(decision.decide);
  latestDecide.current = decision.decide;
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === 'Escape') {
        event.preventDefault();
        onClose();
        return;
      }
      if (isTypingTarget(event.target)) return;
      if (event.key === 'a' || event.key === 'd') {
        event.preventDefault();
        void latestDecide.current(event.key === 'a');
      }
    }
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [onClose]);

  const action = detail.action;
  const explanation = asExplanation(detail.explanation?.explanation);
  const decided = action !== null && action.status !== 'pending_approval' && decision.busy === null;

  return (
    <div className="drawer-layer">
      <div className="drawer-backdrop" onClick={onClose} aria-hidden />
      <div
        className="drawer"
        role="dialog"
        aria-modal="true"
        aria-labelledby="drawer-title"
        ref={panel}
        data-testid="action-drawer"
      >
        <header className="drawer-header">
          <div className="drawer-title-wrap">
            <h2 id="drawer-title" ref={heading} tabIndex={-1} className="drawer-title">
              {action === null ? (
                'Loading…'
              ) : (
                <>
                  <SafeText text={action.tool} />
                  <span className="muted"> · </span>
                  <SafeText text={action.operation} />
                </>
              )}
            </h2>
            {action !== null && (
              <div className="drawer-badges">
                <StatusBadge status={action.status} />
                <RiskBadge risk={action.risk_level} />
                <BreakGlassBadge action={action} />
                {isDemoAction(action) && <DemoBadge />}
              </div>
            )}
          </div>
          <div className="drawer-nav">
            <button
              type="button"
              className="icon-button step-button"
              onClick={() => onStep(-1)}
              aria-label="Previous action"
              title="Previous (k)"
            >
              <ChevronUp size={18} aria-hidden />
            </button>
            <button
              type="button"
              className="icon-button step-button"
              onClick={() => onStep(1)}
              aria-label="Next action"
              title="Next (j)"
            >
              <ChevronDown size={18} aria-hidden />
            </button>
            <button
              type="button"
              className="icon-button"
              onClick={onClose}
              aria-label="Close details"
              title="Close (Esc)"
            >
              <X size={20} aria-hidden />
            </button>
          </div>
        </header>

        <div className="drawer-body">
          {detail.error !== null && (
            <p className="field-error" role="alert">
              Could not load this action: {detail.error}
            </p>
          )}
          {action !== null && (
            <>
              <HiddenCharsWarning action={action} />
              <ApprovalPanel
                action={action}
                me={me}
                reason={reason}
                onReasonChange={setReason}
                decision={decision}
                // Over its limit, an action can't carry a grant (a grant never lifts a limit).
                {...(action.reason_code !== 'limit_reached' && { grantDraft })}
              />
              {action.reason_code === 'grant' && action.grant_id !== undefined && (
                <p className="notice grant-note" data-testid="grant-note">
                  Allowed by standing grant{' '}
                  <AppLink href={`/grants?grant=${action.grant_id}`}>
                    <code>{action.grant_id}</code>
                  </AppLink>{' '}
                  instead of an approval.
                </p>
              )}
              <BreakGlassPanel action={action} me={me} />
              {decided && canDecide(me) && (
                <button type="button" className="button button-ghost next-pending" onClick={onNextPending}>
                  Next pending action <kbd aria-hidden>n</kbd>
                </button>
              )}

              <section className="drawer-section" aria-labelledby="sec-params">
                <h3 id="sec-params">Parameters</h3>
                <JsonView value={action.params} label="Parameters as JSON" />
              </section>
              <section className="drawer-section" aria-labelledby="sec-context">
                <h3 id="sec-context">Context</h3>
                <JsonView value={action.context} label="Context as JSON" />
              </section>

              <section className="drawer-section" aria-labelledby="sec-policy">
                <h3 id="sec-policy">Policy explanation</h3>
                <p>
                  {action.matched_rule === null ? (
                    'No rule matched: denied by default.'
                  ) : (
                    <>
                      Decided by rule #{action.matched_rule.index + 1}
                      {action.matched_rule.description !== null && (
                        <>
                          :{' '}
                          <strong>
                            <SafeText text={action.matched_rule.description} />
                          </strong>
                        </>
                      )}
                    </>
                  )}
                  {action.reason !== null && action.reason !== action.matched_rule?.description && (
                    <>
                      {' '}
                      — <SafeText text={action.reason} />
                    </>
                  )}
                </p>
                {detail.explanation?.decided_by_current_policy === false && (
                  <p className="notice">
                    The policy has changed since this decision; the trace below shows what the current policy would do.
                  </p>
                )}
                {explanation !== null ? (
                  <PolicyTrace explanation={explanation} />
                ) : detail.explainError !== null ? (
                  <p className="muted">The trace is unavailable: {detail.explainError}</p>
                ) : detail.explanation !== null ? (
                  <JsonView value={detail.explanation.explanation} label="Explanation as JSON" />
                ) : (
                  <p className="muted">Loading the trace…</p>
                )}
              </section>

              {canDecide(me) && (
                <section className="drawer-section" aria-labelledby="sec-delivery">
                  <h3 id="sec-delivery">Notifications</h3>
                  <DeliveryList
                    items={notifications.items}
                    error={notifications.error}
                    onRetry={
                      me.role === 'admin'
                        ? async (notification) => {
                            await api.retryNotification(notification);
                            notifications.refresh();
                          }
                        : undefined
                    }
                  />
                </section>
              )}
              {action.shadow !== undefined && <ShadowVerdictSection shadow={action.shadow} />}

              <section className="drawer-section" aria-labelledby="sec-events">
                <h3 id="sec-events">Event timeline</h3>
                <EventTimeline events={detail.events} />
              </section>

              <section className="drawer-section" aria-labelledby="sec-fields">
                <h3 id="sec-fields">All fields</h3>
                <ActionFields action={action} />
              </section>

              <section className="drawer-section" aria-labelledby="sec-curl">
                <h3 id="sec-curl">curl</h3>
                <CurlPanel action={action} withAuth={!me.open_mode} />
              </section>
            </>
          )}
        </div>
      </div>
    </div>
  );
}

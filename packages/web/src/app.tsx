import { RefreshCw, ShieldAlert } from 'lucide-react';
import { useEffect, useState } from 'react';
import { canDecide, SessionProvider, useMe, useSession } from './auth/session-context.js';
import { AppHeader } from './components/app-header.js';
import { LoginScreen } from './components/login-screen.js';
import { PendingAnnouncer } from './components/pending-announcer.js';
import { ShortcutsHelp } from './components/shortcuts-help.js';
import { useKeyboardShortcuts } from './hooks/use-keyboard-shortcuts.js';
import { usePendingCount } from './hooks/use-pending-count.js';
import { LiveProvider } from './live/live-context.js';
import { ActionsPage } from './pages/actions-page.js';
import { GrantsPage } from './pages/grants-page.js';
import { PlaygroundPage } from './pages/playground-page.js';
import { ShadowPage } from './pages/shadow-page.js';
import { usePathname } from './routing/location-store.js';

/** The whole dashboard. `fetchImpl` is injectable for component tests. */
export function App({ fetchImpl }: { fetchImpl?: typeof fetch }) {
  return (
    <SessionProvider {...(fetchImpl === undefined ? {} : { fetchImpl })}>
      <SessionGate />
    </SessionProvider>
  );
}

function SessionGate() {
  const { state, retry } = useSession();
  switch (state.status) {
    case 'loading':
      return (
        <main className="splash" aria-busy="true">
          <p className="muted">Connecting to Faramesh…</p>
        </main>
      );
    case 'unreachable':
      return (
        <main className="splash">
          <div className="error-banner" role="alert">
            <p>The Faramesh server could not be reached: {state.message}</p>
            <button type="button" className="button" onClick={retry}>
              <RefreshCw size={16} aria-hidden /> Try again
            </button>
          </div>
        </main>
      );
    case 'signed-out':
      return <LoginScreen notice={state.notice} />;
    case 'signed-in':
      return (
        <LiveProvider>
          <Shell />
        </LiveProvider>
      );
  }
}

function Shell() {
  const me = useMe();
  const path = usePathname();
  const pending = usePendingCount();
  const [helpOpen, setHelpOpen] = useState(false);
  const playground = path.startsWith('/playground');
  useKeyboardShortcuts({ '?': () => setHelpOpen(true) }, !helpOpen);

  // The tab title carries the pending count, so an approver sees it from another tab.
  useEffect(() => {
    const base = playground ? 'Playground · Faramesh' : 'Faramesh';
    document.title = pending !== null && pending > 0 ? `(${pending}) ${base}` : base;
  }, [pending, playground]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <AppHeader pendingCount={pending} onShowHelp={() => setHelpOpen(true)} />
      {me.open_mode && (
        <div className="mode-banner mode-open" role="note">
          <ShieldAlert size={16} aria-hidden />
          Open mode: the server has no tokens, so anyone who can reach it can approve actions.
        </div>
      )}
      {!me.open_mode && me.shared_identity === true && (
        <div className="mode-banner mode-open" role="note" data-testid="shared-identity-banner">
          <ShieldAlert size={16} aria-hidden />
          Shared token: everyone holding it is the same identity, so separation of duties is not enforced (approving
          your own submission is recorded as a self-approval). Give agents and approvers their own tokens with
          FARAMESH_TOKENS.
        </div>
      )}
      {!canDecide(me) && (
        <div className="mode-banner mode-readonly" role="note">
          <ShieldAlert size={16} aria-hidden />
          Signed in with an agent token: you can watch actions, but only approvers can approve or deny.
        </div>
      )}
      {playground ? (
        <PlaygroundPage />
      ) : path.startsWith('/shadow') ? (
        <ShadowPage />
      ) : path.startsWith('/grants') ? (
        <GrantsPage />
      ) : (
        <ActionsPage helpOpen={helpOpen} />
      )}
      <PendingAnnouncer />
      {helpOpen && <ShortcutsHelp onClose={() => setHelpOpen(false)} />}
    </div>
  );
}

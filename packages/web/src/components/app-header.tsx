import { Eye, FlaskConical, Keyboard, KeyRound, ListChecks, LogOut } from 'lucide-react';
import { canDecide, useMe, useSession } from '../auth/session-context.js';
import { AppLink } from '../routing/app-link.js';
import { usePathname } from '../routing/location-store.js';
import { ConnectionIndicator } from './connection-indicator.js';
import { ThemeToggle } from './theme-toggle.js';

interface AppHeaderProps {
  pendingCount: number | null;
  onShowHelp: () => void;
}

export function AppHeader({ pendingCount, onShowHelp }: AppHeaderProps) {
  const me = useMe();
  const { signOut } = useSession();
  const path = usePathname();
  const onPlayground = path.startsWith('/playground');
  const onShadow = path.startsWith('/shadow');
  const onGrants = path.startsWith('/grants');
  return (
    <header className="app-header">
      <AppLink href="/" className="brand" aria-label="Faramesh actions">
        <span className="logo" aria-hidden>
          F
        </span>
        <span className="brand-name">Faramesh</span>
      </AppLink>
      <nav className="main-nav" aria-label="Main">
        <AppLink href="/" className="nav-link" aria-current={onPlayground || onShadow || onGrants ? undefined : 'page'}>
          <ListChecks size={16} aria-hidden />
          Actions
          {pendingCount !== null && pendingCount > 0 && (
            <span className="count-pill" title={`${pendingCount} waiting for approval`}>
              {pendingCount}
              <span className="visually-hidden"> pending</span>
            </span>
          )}
        </AppLink>
        {canDecide(me) && (
          <AppLink href="/grants" className="nav-link" aria-current={onGrants ? 'page' : undefined}>
            <KeyRound size={16} aria-hidden />
            Grants
          </AppLink>
        )}
        <AppLink href="/playground" className="nav-link" aria-current={onPlayground ? 'page' : undefined}>
          <FlaskConical size={16} aria-hidden />
          Playground
        </AppLink>
        {me.role !== 'agent' && (
          <AppLink href="/shadow" className="nav-link" aria-current={onShadow ? 'page' : undefined}>
            <Eye size={16} aria-hidden />
            Shadow
          </AppLink>
        )}
      </nav>
      <div className="header-tools">
        <ConnectionIndicator />
        <span className="identity" title={me.open_mode ? 'Open mode: no tokens configured' : `Signed in as ${me.name}`}>
          <span className="identity-name">{me.open_mode ? 'open mode' : me.name}</span>
          <span className={`role-pill role-${me.role}`}>{me.role}</span>
          {!canDecide(me) && <span className="visually-hidden">, read-only: cannot approve</span>}
        </span>
        <button
          type="button"
          className="icon-button hide-narrow"
          onClick={onShowHelp}
          aria-label="Keyboard shortcuts"
          title="Keyboard shortcuts (?)"
        >
          <Keyboard size={18} aria-hidden />
        </button>
        <ThemeToggle />
        {!me.open_mode && (
          <button type="button" className="icon-button" onClick={signOut} aria-label="Sign out" title="Sign out">
            <LogOut size={18} aria-hidden />
          </button>
        )}
      </div>
    </header>
  );
}

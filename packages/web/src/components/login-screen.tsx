import { Eye, EyeOff, KeyRound, LogIn } from 'lucide-react';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useSession } from '../auth/session-context.js';

/** Asks for a bearer token, and offers single sign-on when the server has it configured. */
export function LoginScreen({ notice }: { notice: string | null }) {
  const { signIn, sso } = useSession();
  const [token, setToken] = useState('');
  const [visible, setVisible] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const candidate = token.trim();
    if (candidate === '') {
      setError('Enter a token.');
      return;
    }
    setBusy(true);
    const problem = await signIn(candidate);
    setBusy(false);
    if (problem !== null) {
      setError(problem);
      input.current?.select();
    }
  }

  return (
    <main className="login">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title" noValidate>
        <div className="login-brand">
          <span className="logo" aria-hidden>
            F
          </span>
          Faramesh
        </div>
        <h1 id="login-title">Sign in</h1>
        <p className="muted">
          {sso?.enabled === true
            ? 'Sign in with your organisation account, or with a token.'
            : 'This server requires a token.'}{' '}
          Use an <strong>approver</strong> identity to approve and deny actions.
        </p>
        {notice !== null && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        {sso?.enabled === true && sso.login_url !== null && (
          <SsoSignIn loginUrl={sso.login_url} available={sso.available} />
        )}
        <label htmlFor="token" className="field-label">
          Access token
        </label>
        <div className="token-field">
          <input
            id="token"
            ref={input}
            name="token"
            type={visible ? 'text' : 'password'}
            autoComplete="current-password"
            spellCheck={false}
            autoCapitalize="off"
            value={token}
            onChange={(event) => {
              setToken(event.target.value);
              setError(null);
            }}
            aria-invalid={error !== null}
            aria-describedby={error !== null ? 'token-error' : 'token-help'}
          />
          <button
            type="button"
            className="icon-button"
            onClick={() => setVisible((v) => !v)}
            aria-label={visible ? 'Hide token' : 'Show token'}
            aria-pressed={visible}
          >
            {visible ? <EyeOff size={18} aria-hidden /> : <Eye size={18} aria-hidden />}
          </button>
        </div>
        {error !== null ? (
          <p id="token-error" className="field-error" role="alert">
            {error}
          </p>
        ) : (
          <p id="token-help" className="field-help">
            Kept in this tab only (session storage) and sent as a bearer header.
          </p>
        )}
        <button type="submit" className="button button-primary button-large" disabled={busy}>
          <KeyRound size={18} aria-hidden />
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

/**
 * A plain link (a top-level navigation, not a fetch): the server redirects it to the identity
 * provider, which sends the browser back to /auth/callback and then to where the person was.
 */
function SsoSignIn({ loginUrl, available }: { loginUrl: string; available: boolean }) {
  const returnTo = `${window.location.pathname}${window.location.search}`;
  return (
    <div className="sso-sign-in">
      <a
        className="button button-primary button-large"
        href={`${loginUrl}?return_to=${encodeURIComponent(returnTo)}`}
        aria-describedby={available ? undefined : 'sso-unavailable'}
      >
        <LogIn size={18} aria-hidden />
        Sign in with SSO
      </a>
      {!available && (
        <p id="sso-unavailable" className="field-help">
          The identity provider can't be reached right now; try again in a minute, or use a token.
        </p>
      )}
      <p className="login-divider" aria-hidden>
        or with a token
      </p>
    </div>
  );
}

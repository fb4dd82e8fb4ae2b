import type { Role } from './action.js';

/** `GET /auth/config` (public): how the dashboard may sign people in. */
export interface AuthConfig {
  /** Bearer tokens are accepted (always true: agents, the CLI and token logins use them). */
  token_login: boolean;
  /** Single sign-on with OpenID Connect, when configured. */
  sso: {
    enabled: boolean;
    /** False while the identity provider hasn't been reached (login answers 503 `sso_unavailable`). */
    available: boolean;
    /** Where the "Sign in with SSO" button goes (a GET; add `?return_to=/path`). */
    login_url: string | null;
  };
}

/** `GET /auth/session`: the signed-in person of the session cookie (401 without one). */
export interface AuthSession {
  name: string;
  role: Extract<Role, 'approver' | 'admin'>;
  groups: string[];
  source: 'oidc';
  /** Send as `X-Faramesh-CSRF` with every write made with the session cookie. */
  csrf_token: string;
  /** When the session ends however active it is, and when it ends if idle from now. */
  expires_at: string;
  idle_expires_at: string;
}

/** `POST /auth/logout`. */
export interface LogoutResult {
  logged_out: boolean;
  /** The provider's end-session URL to send the browser to (FARAMESH_OIDC_PROVIDER_LOGOUT), or null. */
  end_session_url: string | null;
}

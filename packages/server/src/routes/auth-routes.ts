import type { AuthConfig, AuthSession, LogoutResult } from '@faramesh/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderAuthPage, wantsHtml } from '../auth/auth-pages.js';
import { decodeLoginState, encodeLoginState, LOGIN_STATE_SECONDS, safeReturnTo } from '../auth/login-state.js';
import { identityFromClaims } from '../auth/oidc-identity.js';
import { OidcLoginError } from '../auth/oidc-login.js';
import { readCookie, setCookie } from '../auth/session-cookie.js';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';
import { UI_CSP } from '../http/security-headers.js';

const PUBLIC = { public: true } as const;

/**
 * Single sign-on for the dashboard: `/auth/config` tells the dashboard what to offer, `/auth/login`
 * sends the browser to the provider, `/auth/callback` opens a session for a person with a mapped
 * role, `/auth/session` gives the dashboard its identity and CSRF token, `/auth/logout` ends it.
 * These routes are public: each checks the session cookie or the login state itself.
 */
export function registerAuthRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { oidc, sessions } = ctx;
  const secure = sessions?.settings.secureCookie ?? false;

  app.get(
    '/auth/config',
    { config: PUBLIC, schema: { summary: 'How the dashboard may sign in (tokens, single sign-on)' } },
    async (): Promise<AuthConfig> => ({
      token_login: true,
      sso: {
        enabled: oidc !== null,
        available: oidc?.available ?? false,
        login_url: oidc === null ? null : '/auth/login',
      },
    }),
  );

  app.get<{ Querystring: { return_to?: string } }>(
    '/auth/login',
    { config: PUBLIC, schema: { summary: 'Start a single sign-on login (redirects to the identity provider)' } },
    async (request, reply) => {
      if (oidc === null || sessions === null) throw notConfigured();
      if (!oidc.available) {
        return refuse(
          request,
          reply,
          new ApiError('sso_unavailable', `the identity provider is unavailable: ${oidc.problem}`),
          {
            title: 'Single sign-on is unavailable',
            paragraphs: [
              `The identity provider can't be reached right now (${oidc.problem}). Try again in a minute, or sign in with a token.`,
            ],
            link: { href: '/', text: 'Back to Faramesh' },
          },
        );
      }
      const { url, login } = await oidc.begin(safeReturnTo(request.query.return_to));
      return reply
        .header('set-cookie', setCookie(sessions.cookies.login, encodeLoginState(login), LOGIN_STATE_SECONDS, secure))
        .header('cache-control', 'no-store')
        .redirect(url, 302);
    },
  );

  app.get(
    '/auth/callback',
    { config: PUBLIC, schema: { summary: 'Where the identity provider sends the browser back after login' } },
    async (request, reply) => {
      if (oidc === null || sessions === null) throw notConfigured();
      // The login state is used once, whatever happens next.
      reply.header('set-cookie', setCookie(sessions.cookies.login, '', 0, secure)).header('cache-control', 'no-store');
      const login = decodeLoginState(readCookie(request.headers, sessions.cookies.login));
      const tryAgain = { href: '/auth/login', text: 'Sign in again' };
      if (login === null) {
        return refuse(
          request,
          reply,
          new ApiError('sso_login_failed', 'no login in progress in this browser (it expired or was finished)'),
          {
            title: 'Sign-in did not complete',
            paragraphs: ['This sign-in expired or was started in another browser or tab. Start it again.'],
            link: tryAgain,
          },
        );
      }
      let claims: Record<string, unknown>;
      try {
        const query = request.url.indexOf('?');
        claims = await oidc.finish(query === -1 ? '' : request.url.slice(query), login);
      } catch (error) {
        if (!(error instanceof OidcLoginError)) throw error;
        return refuse(request, reply, new ApiError('sso_login_failed', `sign-in failed: ${error.message}`), {
          title: 'Sign-in failed',
          paragraphs: [`The identity provider did not sign you in: ${error.message}`],
          link: tryAgain,
        });
      }
      const identity = identityFromClaims(claims, oidc.config.issuer, oidc.config);
      if ('problem' in identity) {
        return refuse(request, reply, new ApiError('sso_login_failed', `sign-in failed: ${identity.problem}`), {
          title: 'Sign-in failed',
          paragraphs: [`Faramesh can't use this sign-in: ${identity.problem}.`],
          link: tryAgain,
        });
      }
      if (identity.role === null) {
        const groups = identity.groups.length === 0 ? 'none' : identity.groups.join(', ');
        return refuse(
          request,
          reply,
          new ApiError('sso_no_role', `${identity.name} is not authorised: no group is mapped to a role`, {
            name: identity.name,
            groups: identity.groups,
          }),
          {
            title: 'Not authorised',
            paragraphs: [
              `You signed in as ${identity.name}, but none of your groups (${groups}) is given a role in Faramesh, so you can't use this dashboard.`,
              'Ask an administrator to map one of your groups in FARAMESH_OIDC_ROLES.',
            ],
            link: { href: '/', text: 'Back to Faramesh' },
          },
        );
      }
      const id = await sessions.open({ ...identity, role: identity.role });
      return reply
        .header('set-cookie', setCookie(sessions.cookies.session, id, sessions.settings.maxAgeSeconds, secure))
        .redirect(login.returnTo, 303);
    },
  );

  app.get(
    '/auth/session',
    { config: PUBLIC, schema: { summary: 'The signed-in person of the session cookie and its CSRF token' } },
    async (request, reply): Promise<AuthSession> => {
      reply.header('cache-control', 'no-store');
      const session = sessions === null ? null : await sessions.current(request.headers);
      if (sessions === null || session === null) {
        throw new ApiError('unauthorized', 'no dashboard session: sign in with single sign-on');
      }
      const { principal, record } = session;
      return {
        name: principal.name,
        role: principal.role === 'admin' ? 'admin' : 'approver',
        groups: [...principal.groups],
        source: 'oidc',
        csrf_token: sessions.csrfToken(session),
        expires_at: record.expires_at,
        idle_expires_at: record.idle_expires_at,
      };
    },
  );

  // No CSRF token needed: it can only end the caller's own session, SameSite=Lax keeps the cookie
  // off cross-site POSTs and the Origin guard refuses them, and logging out must always work.
  app.post(
    '/auth/logout',
    { config: PUBLIC, schema: { summary: 'End the dashboard session (here and, if enabled, at the provider)' } },
    async (request, reply): Promise<LogoutResult> => {
      const ended = sessions === null ? false : await sessions.close(request.headers);
      if (sessions !== null) reply.header('set-cookie', setCookie(sessions.cookies.session, '', 0, secure));
      return { logged_out: ended, end_session_url: ended ? (oidc?.endSessionUrl() ?? null) : null };
    },
  );
}

function notConfigured(): ApiError {
  return new ApiError('not_found', 'single sign-on is not configured on this server (FARAMESH_OIDC_ISSUER)');
}

/** A browser gets a page saying what happened; an API client gets the JSON error. */
function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  error: ApiError,
  page: Parameters<typeof renderAuthPage>[0],
): FastifyReply {
  if (!wantsHtml(request.headers.accept)) throw error;
  return reply
    .code(error.status)
    .header('content-security-policy', UI_CSP)
    .type('text/html; charset=utf-8')
    .send(renderAuthPage(page));
}

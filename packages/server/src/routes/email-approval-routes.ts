import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { renderAuthPage, wantsHtml } from '../auth/auth-pages.js';
import type { Principal } from '../auth/authenticator.js';
import { csrfTokenFor, csrfTokenMatches } from '../auth/csrf.js';
import { describeAcceptedMediaTypes } from '../http/accepted-media-types.js';
import { ApiError } from '../http/api-error.js';
import type { AppContext } from '../http/app-context.js';
import { UI_CSP } from '../http/security-headers.js';
import { toApiError } from '../http/to-api-error.js';
import { EMAIL_APPROVAL_PATH } from '../notify/email-channel.js';
import { MAX_LINK_TOKEN_CHARS } from '../notify/email-link.js';
import { EmailLinkDecisions, type OpenedLink } from '../notify/email-link-decisions.js';
import { outcomeParagraphs, renderConfirmPage } from '../notify/email-pages.js';
import { actionToWire } from '../service/wire.js';

const PUBLIC = { public: true } as const;
const FORM_BYTES = 8192;
const REASON_CHARS = 1000;

const linkQuery = {
  type: 'object',
  required: ['t'],
  properties: { t: { type: 'string', minLength: 1, maxLength: MAX_LINK_TOKEN_CHARS } },
} as const;
const decisionBody = {
  type: 'object',
  required: ['t'],
  properties: {
    t: { type: 'string', minLength: 1, maxLength: MAX_LINK_TOKEN_CHARS },
    csrf: { type: 'string', maxLength: 128 },
    reason: { type: 'string', maxLength: REASON_CHARS },
  },
} as const;

interface DecisionBody {
  t: string;
  csrf?: string;
  reason?: string;
}

/**
 * The pages an approval email's links lead to. `GET /email/approval?t=…` verifies the link and shows
 * a confirmation page; it never changes anything (mail scanners prefetch links). By default the
 * recipient must be signed in as the link's identity (single sign-on; a browser is sent to sign in
 * and back). `POST /email/approval` (the page's form, with its CSRF token) spends the link's one
 * use and decides through the normal approval path. Browsers get pages, API clients JSON errors.
 */
export function registerEmailApprovalRoutes(app: FastifyInstance, ctx: AppContext): void {
  const directory = {
    tokenEmails: new Map(ctx.config.tokens.flatMap((t) => (t.email === undefined ? [] : [[t.name, t.email] as const]))),
    tokens: ctx.config.tokens,
  };
  // The channels in use (a reload of FARAMESH_CHANNELS_FILE replaces `config.channels` whole).
  let built: { channels: AppContext['config']['channels']; decisions: EmailLinkDecisions } | null = null;
  const current = (): EmailLinkDecisions => {
    const { channels } = ctx.config;
    if (built?.channels !== channels) {
      built = {
        channels,
        decisions: new EmailLinkDecisions({
          key: channels.emailLinkKey,
          channels: channels.email,
          store: ctx.store,
          approvals: ctx.approvals,
          directory,
          now: ctx.now,
        }),
      };
    }
    return built.decisions;
  };

  const session = async (request: FastifyRequest) =>
    ctx.sessions === null ? null : ctx.sessions.current(request.headers);

  app.register(async (scope) => {
    // Only these routes read HTML forms; everywhere else the API accepts JSON only.
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: FORM_BYTES },
      (_request, body, done) => {
        const form: Record<string, string> = {};
        for (const [key, value] of new URLSearchParams(body as string)) {
          if (key === 't' || key === 'csrf' || key === 'reason') form[key] = value;
        }
        done(null, form);
      },
    );
    describeAcceptedMediaTypes(scope, 'a form (application/x-www-form-urlencoded) or application/json');

    scope.get<{ Querystring: { t: string } }>(
      EMAIL_APPROVAL_PATH,
      {
        config: PUBLIC,
        schema: {
          querystring: linkQuery,
          summary: 'The confirmation page of an email approval link (changes nothing)',
        },
      },
      async (request, reply) => {
        noStore(reply);
        const token = request.query.t;
        return answer(request, reply, async () => {
          const decisions = current();
          const opened = await decisions.open(token);
          const live = await session(request);
          const principal = decisions.principalFor(opened, live?.principal ?? null);
          if (principal === null) return signInFirst(request, reply, opened, token);
          const formToken = live === null ? decisions.formToken(opened.link) : csrfTokenFor(live.id);
          if (!wantsHtml(request.headers.accept)) {
            return {
              decision: opened.link.decision,
              recipient: opened.link.identity,
              expires_at: new Date(opened.link.expires_at_ms).toISOString(),
              csrf_token: formToken,
              action: actionToWire(opened.action, { ...principal, role: 'approver' }),
            };
          }
          // With `no-referrer` a browser sends `Origin: null` with the form's POST, which the
          // cross-site guard refuses; `same-origin` sends the real origin (and a referrer only here).
          return page(reply, 200)
            .header('referrer-policy', 'same-origin')
            .send(
              renderConfirmPage({
                link: opened.link,
                token,
                action: opened.action,
                formToken,
                signedInAs: live?.principal.name ?? null,
              }),
            );
        });
      },
    );

    scope.post<{ Body: DecisionBody }>(
      EMAIL_APPROVAL_PATH,
      {
        config: PUBLIC,
        bodyLimit: FORM_BYTES,
        schema: { body: decisionBody, summary: 'Confirm the decision of an email approval link (single use)' },
      },
      async (request, reply) => {
        noStore(reply);
        const { t: token, csrf, reason } = request.body;
        return answer(request, reply, async () => {
          const decisions = current();
          const opened = await decisions.open(token);
          const live = await session(request);
          const principal: Principal | null = decisions.principalFor(opened, live?.principal ?? null);
          if (principal === null) {
            throw new ApiError('unauthorized', `sign in as ${opened.link.identity} to use this approval link`);
          }
          const formOk =
            live === null ? decisions.formTokenMatches(opened.link, csrf) : csrfTokenMatches(live.id, csrf);
          if (!formOk) {
            throw new ApiError(
              'csrf_token_invalid',
              'the confirmation form is missing its token or is from another page',
            );
          }
          const trimmed = reason?.trim() ?? '';
          const decided = await decisions.decide(opened, principal, trimmed === '' ? null : trimmed);
          if (!wantsHtml(request.headers.accept)) return actionToWire(decided, { ...principal, role: 'approver' });
          return page(reply, 200).send(
            renderAuthPage({
              title: OUTCOME_TITLES[decided.status] ?? 'Decision recorded',
              paragraphs: outcomeParagraphs(decided, opened.link.decision),
              link: { href: `/?action=${encodeURIComponent(decided.id)}`, text: 'Open it in the dashboard' },
            }),
          );
        });
      },
    );
  });

  /**
   * Runs a handler; a refusal reaches a browser as a page saying what happened (with the same
   * status), and an API client as the contract's JSON error.
   */
  async function answer(request: FastifyRequest, reply: FastifyReply, run: () => Promise<unknown>) {
    try {
      return await run();
    } catch (error) {
      if (!wantsHtml(request.headers.accept)) throw error;
      const { apiError, unexpected } = toApiError(error);
      if (unexpected) throw error;
      ctx.metrics.errors.inc({ error_type: apiError.code });
      return page(reply, apiError.status).send(
        renderAuthPage({
          title: REFUSAL_TITLES[apiError.code] ?? 'This link can’t be used',
          paragraphs: [apiError.message, 'Nothing was decided. You can still decide in the dashboard.'],
          link: { href: '/', text: 'Open the dashboard' },
        }),
      );
    }
  }

  /** Without a session: a browser is sent to sign in and back here; an API client is told to. */
  function signInFirst(request: FastifyRequest, reply: FastifyReply, opened: OpenedLink, token: string) {
    if (ctx.oidc === null || !wantsHtml(request.headers.accept)) {
      throw new ApiError('unauthorized', `sign in as ${opened.link.identity} to use this approval link`);
    }
    const back = `${EMAIL_APPROVAL_PATH}?t=${encodeURIComponent(token)}`;
    return reply.redirect(`/auth/login?return_to=${encodeURIComponent(back)}`, 303);
  }
}

function noStore(reply: FastifyReply): void {
  reply.header('cache-control', 'no-store');
}

function page(reply: FastifyReply, status: number): FastifyReply {
  return reply.code(status).header('content-security-policy', UI_CSP).type('text/html; charset=utf-8');
}

const OUTCOME_TITLES: Partial<Record<string, string>> = {
  approved: 'Approved',
  denied: 'Denied',
  pending_approval: 'Approval recorded',
};

const REFUSAL_TITLES: Partial<Record<string, string>> = {
  email_link_invalid: 'This link is not valid',
  email_link_expired: 'This link has expired',
  email_link_used: 'This link was already used',
  email_link_wrong_identity: 'Signed in as someone else',
  unauthorized: 'Sign in to use this link',
  csrf_token_invalid: 'The confirmation could not be checked',
  not_an_approver: 'You may not decide this action',
  self_approval_forbidden: 'You may not decide your own action',
  invalid_transition: 'This action was already decided',
  approval_expired: 'This action has expired',
};

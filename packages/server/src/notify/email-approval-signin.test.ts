import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { OidcIdentity } from '../auth/oidc-identity.js';
import { unusedLoopbackPort } from '../testing/free-port.js';
import { LINK_SECRET, startEmailServer } from './email-approval.test-support.js';
import { verifyLink } from './email-link.js';

// Links that need a sign-in (the default). Sessions are opened the way the single sign-on callback
// opens them (the provider round trip itself runs in tests/e2e/email-approval.test.ts with a real
// OpenID provider, SMTP server and Chromium).

type Harness = Awaited<ReturnType<typeof startEmailServer>>;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const COOKIE = '__Host-faramesh_session';
const HTML = { accept: 'text/html' };
const person = (name: string): OidcIdentity & { role: 'approver' } => ({
  subject: `https://idp.test ${name}`,
  name,
  groups: ['finance'],
  role: 'approver',
});

async function start(): Promise<Harness> {
  harness = await startEmailServer({
    channel: '    link_only: false',
    env: {
      FARAMESH_OIDC_ISSUER: `http://127.0.0.1:${await unusedLoopbackPort()}`,
      FARAMESH_OIDC_CLIENT_ID: 'faramesh',
      FARAMESH_OIDC_ROLES: 'approver=finance',
    },
  });
  return harness;
}

async function signIn(h: Harness, name: string): Promise<string> {
  const sessions = h.server.context.sessions;
  if (sessions === null) throw new Error('sessions are not configured');
  return `${COOKIE}=${await sessions.open(person(name))}`;
}

describe('approval by email link with a sign-in (the default)', () => {
  it('sends a browser without a session to sign in and back, and tells an API client 401', async () => {
    const h = await start();
    const action = await h.submit();
    const { approve } = h.linksOf((await h.mailFor('alice@corp.example', action.id)).mail);
    const page = await h.follow(approve, HTML);
    expect(page.statusCode).toBe(303);
    const login = new URL(page.headers.location as string, 'https://faramesh.corp.example');
    expect(login.pathname).toBe('/auth/login');
    const back = login.searchParams.get('return_to') ?? '';
    expect(back).toBe(`${new URL(approve).pathname}${new URL(approve).search}`);
    const api = await h.follow(approve, { accept: 'application/json' });
    expect(api.statusCode).toBe(401);
    expect(api.json().error).toMatchObject({
      code: 'unauthorized',
      message: expect.stringContaining('alice@corp.example'),
    });
    const post = await h.confirm(approve, { csrf: 'x' });
    expect(post.statusCode).toBe(401);
    expect(await h.events(action.id)).toEqual(['created', 'decision_made']);
  });

  it('refuses someone signed in as another identity with 403, page and JSON, changing nothing', async () => {
    const h = await start();
    const action = await h.submit();
    const { approve } = h.linksOf((await h.mailFor('alice@corp.example', action.id)).mail);
    const cookie = await signIn(h, 'carol@corp.example');
    const page = await h.follow(approve, { ...HTML, cookie });
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('Signed in as someone else');
    expect(page.body).toContain('this link was sent to alice@corp.example; you are signed in as carol@corp.example');
    const post = await h.confirm(approve, { cookie, csrf: 'x' });
    expect(post.statusCode).toBe(403);
    expect(post.json().error).toMatchObject({
      code: 'email_link_wrong_identity',
      details: { recipient: 'alice@corp.example', signed_in_as: 'carol@corp.example' },
    });
    expect(await h.events(action.id)).toEqual(['created', 'decision_made']);
  });

  it("approves as the signed-in recipient with the session's CSRF token, and only with it", async () => {
    const h = await start();
    const action = await h.submit();
    const { approve } = h.linksOf((await h.mailFor('alice@corp.example', action.id)).mail);
    const cookie = await signIn(h, 'Alice@Corp.Example');
    const page = await h.follow(approve, { ...HTML, cookie });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Signed in as Alice@Corp.Example.');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
    expect(csrf).toBeDefined();
    const session = await h.server.app.inject({ method: 'GET', url: '/auth/session', headers: { cookie } });
    expect(csrf).toBe(session.json().csrf_token);

    // The link-only form token (derived from the link, for confirmations without a session) is not
    // accepted from a signed-in browser: only the session's own CSRF token is.
    const checked = verifyLink(new URL(approve).searchParams.get('t'), Buffer.from(LINK_SECRET), Date.now());
    if (!checked.ok) throw new Error(checked.reason);
    const linkForm = createHmac('sha256', Buffer.from(LINK_SECRET))
      .update('faramesh-email-form\0')
      .update(checked.link.id)
      .digest('base64url');
    expect((await h.confirm(approve, { cookie, csrf: linkForm })).json().error.code).toBe('csrf_token_invalid');
    expect((await h.confirm(approve, { cookie, csrf: null })).json().error.code).toBe('csrf_token_invalid');
    expect(await h.events(action.id)).toEqual(['created', 'decision_made']);

    const done = await h.confirm(approve, { cookie, csrf: csrf as string, accept: 'text/html' });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('Your approval is recorded');
    expect((await h.action(action.id)).approvals.map((a) => a.by)).toEqual(['Alice@Corp.Example']);
  });
});

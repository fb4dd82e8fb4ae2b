import { afterEach, describe, expect, it } from 'vitest';
import { BOB_TOKEN, LINK_SECRET, startEmailServer } from './email-approval.test-support.js';
import { signLink, verifyLink } from './email-link.js';
import { eventually } from './webhook-receiver.test-support.js';

type Harness = Awaited<ReturnType<typeof startEmailServer>>;
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: Parameters<typeof startEmailServer>[0] = {}): Promise<Harness> {
  harness = await startEmailServer(options);
  return harness;
}

const HTML = { accept: 'text/html,application/xhtml+xml' };

/** The token of a link with one character of its signature changed. */
function forge(link: string): string {
  const url = new URL(link);
  const token = url.searchParams.get('t') ?? '';
  url.searchParams.set('t', `${token.slice(0, -2)}${token.at(-2) === 'A' ? 'B' : 'A'}${token.at(-1)}`);
  return url.href;
}

describe('approval by email link', () => {
  it('mails each approver of the action once, with the summary, risk, reason and one-time links', async () => {
    const h = await start();
    const action = await h.submit('ls -la /srv/data');
    const mails = await Promise.all(
      ['alice@corp.example', 'bob@corp.example', 'carol@corp.example'].map((to) => h.mailFor(to, action.id)),
    );
    expect(h.smtp.messages).toHaveLength(3);
    for (const { mail, from } of mails) {
      expect(from).toBe('faramesh@corp.example');
      expect(mail.subject).toBe('[Faramesh] Approval needed (low risk): shell run: ls -la /srv/data');
      expect(mail.text).toContain('What will happen: shell run: ls -la /srv/data');
      expect(mail.text).toContain('Reason:           Shell commands need two of finance');
      expect(mail.text).toContain('Requested by:     agent bot (as bot)');
      expect(mail.html).toContain('ls -la /srv/data');
      const { approve, deny } = h.linksOf(mail);
      expect(approve).toMatch(/^https:\/\/faramesh\.corp\.example\/email\/approval\?t=/);
      expect(deny).not.toBe(approve);
      expect(mail.html).toContain(approve.replaceAll('&', '&#38;'));
    }
    // Bob's links are bound to his token name, the others' to their email.
    expect(mails[1]?.mail.text).toContain('only for bob,');
    expect(mails[0]?.mail.text).toContain('only for alice@corp.example,');
    // Outcomes are recorded together shortly after the deliveries end.
    const states = async () => {
      const notifications = await h.server.app.inject({
        method: 'GET',
        url: `/v1/actions/${action.id}/notifications`,
        headers: { authorization: `Bearer ${BOB_TOKEN}` },
      });
      return notifications.json().items.map((n: { channel: string; state: string }) => [n.channel, n.state]);
    };
    await eventually(async () => (await states()).every(([, state]: string[]) => state !== 'queued'));
    expect(await states()).toEqual([
      ['team-email', 'delivered'],
      ['team-email', 'delivered'],
      ['team-email', 'delivered'],
    ]);
  });

  it('escapes hostile agent text in the HTML part and reveals invisible characters in both parts', async () => {
    const h = await start();
    const action = await h.submit('echo "<script>alert(1)</script><a href=x>" /srv/\u202Eevil');
    const { mail } = await h.mailFor('alice@corp.example', action.id);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<a href=x>');
    expect(mail.html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(mail.text).toContain('⟨U+202E⟩evil');
    expect(mail.text).not.toContain('\u202E');
    expect(mail.subject).not.toContain('\u202E');
  });

  it('changes nothing when a scanner fetches both links, with or without Accept: text/html', async () => {
    const h = await start();
    const action = await h.submit();
    const { approve, deny } = h.linksOf((await h.mailFor('alice@corp.example', action.id)).mail);
    const before = await h.events(action.id);
    for (const link of [approve, deny, approve]) {
      const page = await h.follow(link, HTML);
      expect(page.statusCode).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['content-security-policy']).toContain("form-action 'self'");
      expect(page.body).toContain('<form method="post" action="/email/approval">');
      expect((await h.follow(link)).statusCode).toBe(200);
      await h.server.app.inject({ method: 'HEAD', url: new URL(link).pathname + new URL(link).search });
    }
    expect((await h.action(action.id)).status).toBe('pending_approval');
    expect(await h.events(action.id)).toEqual(before);
    // Still usable afterwards: prefetching spent nothing.
    expect((await h.confirm(approve)).statusCode).toBe(200);
  });

  it('records one approval of a 2-of-3 quorum from a link, refuses its reuse, and completes with another approver', async () => {
    const h = await start();
    const action = await h.submit();
    const alice = h.linksOf((await h.mailFor('alice@corp.example', action.id)).mail);

    const first = await h.confirm(alice.approve, { reason: 'checked the path' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({
      status: 'pending_approval',
      approvals: [{ by: 'alice@corp.example', reason: 'checked the path' }],
    });
    expect(await h.events(action.id)).toEqual(['created', 'decision_made', 'approval_recorded']);

    // The same link, and the Deny link of the same message, are spent.
    for (const link of [alice.approve, alice.deny]) {
      const again = await h.confirm(link, { csrf: 'irrelevant' });
      expect(again.statusCode).toBe(403);
      expect(again.json().error.code).toBe('email_link_used');
      const page = await h.follow(link, HTML);
      expect(page.statusCode).toBe(403);
      expect(page.body).toContain('This link was already used');
    }

    // Bob completes the quorum over the API with his own token, as from the dashboard or the CLI.
    const asBob = { authorization: `Bearer ${BOB_TOKEN}` };
    const read = await h.server.app.inject({ method: 'GET', url: `/v1/actions/${action.id}`, headers: asBob });
    const bob = await h.server.app.inject({
      method: 'POST',
      url: `/v1/actions/${action.id}/approval`,
      headers: asBob,
      payload: { token: read.json().approval_token, approve: true },
    });
    expect(bob.statusCode).toBe(200);
    const final = await h.action(action.id);
    expect(final.status).toBe('approved');
    expect(final.approvals.map((a) => a.by)).toEqual(['alice@corp.example', 'bob']);
    expect(await h.events(action.id)).toEqual(['created', 'decision_made', 'approval_recorded', 'approved']);

    // Carol's link now finds the action decided: refused, nothing changes.
    const carol = h.linksOf((await h.mailFor('carol@corp.example', action.id)).mail);
    const late = await h.confirm(carol.deny);
    expect(late.statusCode).toBe(409);
    expect(late.json().error.code).toBe('invalid_transition');
    expect((await h.action(action.id)).status).toBe('approved');
  });

  it('applies the approval rules to a link: a recipient who is not among the approvers is refused', async () => {
    const h = await start({ recipients: '[approvers, erin@corp.example]' });
    const action = await h.submit();
    const erin = h.linksOf((await h.mailFor('erin@corp.example', action.id)).mail);
    const refused = await h.confirm(erin.approve);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'not_an_approver', details: { who_may: { text: 'finance' } } });
    expect(await h.events(action.id)).toEqual(['created', 'decision_made']);
    // The use is spent all the same: a refused link can't be tried again.
    expect((await h.confirm(erin.deny)).json().error.code).toBe('email_link_used');
  });

  it('sends a test message to the named recipients for `faramesh channels test`', async () => {
    const h = await start({
      recipients: '[approvers, erin@corp.example]',
      env: { FARAMESH_TOKEN: 'root-admin-token-01' },
    });
    const queued = await h.server.app.inject({
      method: 'POST',
      url: '/v1/channels/team-email/test',
      headers: { authorization: 'Bearer root-admin-token-01' },
    });
    expect(queued.statusCode).toBe(202);
    const [test] = await eventually(() => h.smtp.messages.length > 0 && h.smtp.messages);
    expect(test?.to).toEqual(['erin@corp.example']);
    expect(test?.mail.subject).toBe('[Faramesh] Test message from channel team-email');
    expect(test?.mail.text).toContain('requested by admin');
  });

  it('lets exactly one of two simultaneous confirmations of one link count', async () => {
    const h = await start();
    const action = await h.submit();
    const alice = h.linksOf((await h.mailFor('alice@corp.example', action.id)).mail);
    const opened = await h.follow(alice.approve, { accept: 'application/json' });
    const csrf = opened.json().csrf_token as string;
    const results = await Promise.all([h.confirm(alice.approve, { csrf }), h.confirm(alice.deny, { csrf })]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 403]);
    expect(results.find((r) => r.statusCode === 403)?.json().error.code).toBe('email_link_used');
    expect(await h.events(action.id)).toHaveLength(3);
  });

  it('denies from a Deny link: any allowed deny denies', async () => {
    const h = await start();
    const action = await h.submit();
    const carol = h.linksOf((await h.mailFor('carol@corp.example', action.id)).mail);
    const page = await h.confirm(carol.deny, { accept: 'text/html', reason: 'not today' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>Denied</h1>');
    const final = await h.action(action.id);
    expect(final).toMatchObject({
      status: 'denied',
      approval_decided_by: 'carol@corp.example',
      approval_reason: 'not today',
    });
  });

  it('refuses forged, expired and form-less confirmations with 401/403, changing nothing', async () => {
    const h = await start();
    const action = await h.submit();
    const alice = h.linksOf((await h.mailFor('alice@corp.example', action.id)).mail);

    const forged = await h.confirm(forge(alice.approve), { csrf: 'x' });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().error.code).toBe('email_link_invalid');
    const forgedPage = await h.follow(forge(alice.approve), HTML);
    expect(forgedPage.statusCode).toBe(401);
    expect(forgedPage.body).toContain('This link is not valid');

    const noForm = await h.confirm(alice.approve, { csrf: null });
    expect(noForm.statusCode).toBe(403);
    expect(noForm.json().error.code).toBe('csrf_token_invalid');
    const wrongForm = await h.confirm(alice.approve, { csrf: 'A'.repeat(43) });
    expect(wrongForm.json().error.code).toBe('csrf_token_invalid');

    h.clock.offsetMs = 15 * 60_000;
    const expired = await h.confirm(alice.approve, { csrf: 'x' });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error).toMatchObject({ code: 'email_link_expired' });
    expect((await h.follow(alice.approve, HTML)).body).toContain('This link has expired');

    expect(await h.events(action.id)).toEqual(['created', 'decision_made']);
    expect((await h.action(action.id)).status).toBe('pending_approval');
  });

  it('says a confirmation takes a form or JSON when given another Content-Type, spending nothing', async () => {
    const h = await start();
    const action = await h.submit();
    const alice = h.linksOf((await h.mailFor('alice@corp.example', action.id)).mail);
    const t = new URL(alice.approve).searchParams.get('t') ?? '';
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'not a media type']) {
      const res = await h.server.app.inject({
        method: 'POST',
        url: '/email/approval',
        headers: { 'content-type': type },
        payload: `t=${encodeURIComponent(t)}&csrf=x`,
      });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toEqual({
        error: { code: 'unsupported_media_type', message: expect.any(String), details: null },
      });
      expect(res.json().error.message).toContain('application/x-www-form-urlencoded');
      expect(res.json().error.message).toContain('application/json');
    }
    // The link was never opened, so its one use is still there.
    expect((await h.confirm(alice.approve)).json().status).toBe('pending_approval');
    expect((await h.action(action.id)).approvals).toMatchObject([{ by: 'alice@corp.example' }]);
  });

  it('keeps links to the channel that sent them: a channel no longer configured makes them invalid', async () => {
    const h = await start();
    const action = await h.submit();
    const alice = h.linksOf((await h.mailFor('alice@corp.example', action.id)).mail);
    // The same secret, but a link claiming another channel: refused (it may have other settings).
    const token = new URL(alice.approve).searchParams.get('t') ?? '';
    const key = Buffer.from(LINK_SECRET, 'utf8');
    const checked = verifyLink(token, key, Date.now());
    if (!checked.ok) throw new Error(checked.reason);
    const other = new URL(alice.approve);
    other.searchParams.set('t', signLink({ ...checked.link, channel: 'retired-email' }, key));
    const res = await h.confirm(other.href, { csrf: 'x' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toContain('(retired-email) is no longer configured');
  });
});

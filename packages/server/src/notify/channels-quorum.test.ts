import type { NotificationList } from '@faramesh/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { QUORUM_POLICY } from '../service/approval-testing.test-support.js';
import { LINK_SECRET } from './email-approval.test-support.js';
import { linkOnlyEmailYaml, linksOf, type SmtpCapture, startSmtpCapture } from './email-smtp.test-support.js';
import { type SlackQuorumServer, startSlackQuorumServer } from './slack-quorum.test-support.js';
import { eventually, newSecret, startReceiver } from './webhook-receiver.test-support.js';

/** Generous: the machine is shared, and every wait here is for a real socket on the real clock. */
const WAIT_MS = 60_000;

/** The quorum fixture's refund rule, telling every channel kind when a refund starts to wait. */
const POLICY = QUORUM_POLICY.replace(
  '    approvals: 2\n',
  '    approvals: 2\n    notify: [approvals, finance-email, audit-hook]\n',
);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function notificationsOf(s: SlackQuorumServer, id: string) {
  return ((await s.call('alice', 'GET', `/v1/actions/${id}/notifications`)).json() as NotificationList).items;
}

// The "done when": one server (a real port, a SQLite file, the real clock) tells a webhook
// receiver (verified with `standardwebhooks`), a Slack stand-in and a real SMTP server about a refund
// that needs two of finance; alice approves from Slack, bob through his email link; the Slack
// message shows the progress, then the final decision naming both. The identities are the same
// everywhere: the Slack user map, the email recipients (FARAMESH_TOKEN_EMAILS) and the policy's group.
describe('a 2-of-finance quorum completed from Slack and email', () => {
  it('reaches every channel, takes one approval from Slack and one from an email link, and updates Slack', async () => {
    const secret = newSecret();
    const receiver = await startReceiver([secret]);
    cleanups.push(() => receiver.close());
    const smtp: SmtpCapture = await startSmtpCapture();
    cleanups.push(() => smtp.close());
    const s = await startSlackQuorumServer({
      policy: POLICY,
      channels: '    approvals: { channel: C0APPROVALS }',
      channelsYaml: `webhooks:
  audit-hook:
    url: ${receiver.url}
    events: ['*']
    secret_env: AUDIT_HOOK_SECRET
${linkOnlyEmailYaml(smtp.port)}`,
      env: {
        AUDIT_HOOK_SECRET: secret,
        FARAMESH_EMAIL_LINK_SECRET: LINK_SECRET,
        FARAMESH_TOKEN_EMAILS: 'alice=alice@corp.example,bob=bob@corp.example,carol=carol@corp.example',
      },
    });
    cleanups.push(() => s.close());

    const refund = await s.submit();
    // Slack: one message, waiting for two of finance.
    const posted = await eventually(() => s.standin.messageFor(refund.id), WAIT_MS);
    expect(s.standin.textOf(posted)).toContain('0 of 2 · waiting for finance');
    // Email: each of finance gets their own message with their own links.
    const mailTo = (address: string) =>
      eventually(
        () =>
          smtp.messages.find((m) => m.to.includes(address) && m.mail.headers.get('x-faramesh-action') === refund.id),
        WAIT_MS,
      );
    const bobsMail = await mailTo('bob@corp.example');
    await mailTo('alice@corp.example');
    // The webhook: the pending decision, signed.
    await eventually(() => receiver.received.some((r) => r.body.includes('"action.decision_made"')), WAIT_MS);

    // Alice approves from Slack: 1 of 2, and the Slack message says so.
    const pressed = await s.press('alice', refund.id);
    expect(pressed.status).toBe(200);
    expect((await eventually(() => s.standin.ephemeral(pressed.responseId), WAIT_MS)).text).toContain(
      'You (alice) approved stripe refund: 1 of 2 approvals',
    );
    await eventually(() => s.standin.textOf(s.standin.messageFor(refund.id)!).includes('1 of 2 (alice)'), WAIT_MS);
    expect((await s.call('alice', 'GET', `/v1/actions/${refund.id}`)).json()).toMatchObject({
      status: 'pending_approval',
    });

    // Bob follows the Approve link of his email (link-only channel) and completes the quorum.
    const link = new URL(linksOf(bobsMail.mail).approve);
    const local = new URL(`${link.pathname}${link.search}`, s.url);
    const opened = await fetch(local, { headers: { accept: 'application/json' } });
    expect(opened.status).toBe(200);
    const { csrf_token: csrf } = (await opened.json()) as { csrf_token: string };
    const confirmed = await fetch(new URL('/email/approval', s.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ t: link.searchParams.get('t'), csrf }),
    });
    expect(confirmed.status).toBe(200);

    const action = (await s.call('alice', 'GET', `/v1/actions/${refund.id}`)).json() as {
      status: string;
      approvals: { by: string }[];
    };
    expect(action.status).toBe('approved');
    expect(action.approvals.map((a) => a.by)).toEqual(['alice', 'bob']);
    const events = (await s.call('alice', 'GET', `/v1/actions/${refund.id}/events`)).json() as {
      event_type: string;
      meta: Record<string, unknown>;
    }[];
    expect(
      events.filter((e) => e.event_type === 'approval_recorded' || e.event_type === 'approved').map((e) => e.meta),
    ).toEqual([
      expect.objectContaining({ by: 'alice', via: expect.objectContaining({ channel: 'slack' }) }),
      expect.objectContaining({ by: 'bob', via: { channel: 'email', email_channel: 'finance-email' } }),
    ]);

    // Slack: the original message updated (chat.update) with the final decision naming both.
    const final = await eventually(() => {
      const message = s.standin.messageFor(refund.id);
      return message !== undefined && s.standin.textOf(message).includes('*Approved* by alice, bob') && message;
    }, WAIT_MS);
    expect(s.standin.buttons(final)).toEqual([`faramesh:open:${refund.id}`]);
    expect(
      s.standin.succeeded('chat.postMessage').filter((c) => JSON.stringify(c.args).includes(refund.id)),
    ).toHaveLength(1);
    expect(s.standin.succeeded('chat.update').length).toBeGreaterThanOrEqual(2);
    expect(s.standin.violations).toEqual([]);

    // Everything delivered; the webhook receiver got every event of the action, each verified.
    await eventually(async () => {
      const items = await notificationsOf(s, refund.id);
      return items.length > 0 && items.every((n) => n.state === 'delivered');
    }, WAIT_MS);
    const types = (body: string) => (JSON.parse(body) as { type: string; data: { action: { id: string } } }).type;
    const hooks = receiver.received.filter((r) => r.body.includes(refund.id));
    expect(hooks.every((r) => r.verified[0] === true)).toBe(true);
    expect(new Set(hooks.map((r) => types(r.body)))).toEqual(new Set(events.map((e) => `action.${e.event_type}`)));
    for (const hook of hooks) expect(hook.body).not.toContain(secret);
  }, 180_000);
});

import { afterEach, describe, expect, it } from 'vitest';
import { LINK_SECRET } from './email-approval.test-support.js';
import { linkOnlyEmailYaml, linksOf, type SmtpCapture, startSmtpCapture } from './email-smtp.test-support.js';
import { SLACK_USERS, startSlackQuorumServer } from './slack-quorum.test-support.js';
import type { StandinMessage } from './slack-standin.test-support.js';
import { eventually } from './webhook-receiver.test-support.js';

/** Generous: the machine is shared, and every wait here is for a real socket on the real clock. */
const WAIT_MS = 60_000;

/**
 * Refunds wait for one of finance, tell the `approvals` Slack channel and the `finance-email`
 * channel, and escalate after two seconds to sre (dave, erin), also telling carol.
 */
const POLICY = `
groups:
  finance: [alice, bob]
  sre: [dave, erin]
rules:
  - match: { tool: stripe, op: refund }
    require_approval: true
    approvers: [finance]
    notify: [approvals, finance-email]
    expires_in: 30m
    escalate:
      - after: 2s
        approvers: [sre]
        notify: ["user:carol"]
  - match: { tool: "*" }
    allow: true
`;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// A step's people are told personally, through the channels the rule's `notify:` names: dave (Slack
// user and email address) gets a direct message and an email, erin (Slack only) a direct message,
// carol (email only) an email; finance, already told when the action started to wait, nothing more.
describe('an escalation step tells its people personally', () => {
  it('sends each person of the step a Slack direct message and an email, and takes the approval from the email link', async () => {
    const smtp: SmtpCapture = await startSmtpCapture();
    cleanups.push(() => smtp.close());
    const { alice, bob, dave, erin } = SLACK_USERS;
    const s = await startSlackQuorumServer({
      policy: POLICY,
      channels: '    approvals: { channel: C0APPROVALS }',
      users: { [alice]: 'alice', [bob]: 'bob', [dave]: 'dave', [erin]: 'erin' },
      channelsYaml: linkOnlyEmailYaml(smtp.port),
      env: {
        FARAMESH_EMAIL_LINK_SECRET: LINK_SECRET,
        FARAMESH_TOKEN_EMAILS:
          'alice=alice@corp.example,bob=bob@corp.example,carol=carol@corp.example,dave=dave@corp.example',
      },
    });
    cleanups.push(() => s.close());

    const refund = await s.submit();
    const mailsTo = (address: string) =>
      smtp.messages.filter((m) => m.to.includes(address) && m.mail.headers.get('x-faramesh-action') === refund.id);
    // Before the step: finance is mailed, the channel gets its message, nobody gets a direct message.
    await eventually(
      () => mailsTo('alice@corp.example').length === 1 && mailsTo('bob@corp.example').length === 1,
      WAIT_MS,
    );
    await eventually(() => s.standin.messageFor(refund.id), WAIT_MS);
    const directTo = (user: string): StandinMessage[] =>
      [...s.standin.messages.values()].filter(
        (m) => m.channel === `D${user.slice(1)}` && JSON.stringify(m.history[0]?.blocks).includes(refund.id),
      );
    expect(directTo(dave)).toEqual([]);

    // The step fires on its own: dave and erin get a direct message, dave and carol an email.
    const davesDm = await eventually(() => directTo(dave)[0], WAIT_MS);
    const erinsDm = await eventually(() => directTo(erin)[0], WAIT_MS);
    const davesMail = await eventually(() => mailsTo('dave@corp.example')[0], WAIT_MS);
    await eventually(() => mailsTo('carol@corp.example')[0], WAIT_MS);
    await eventually(async () => {
      const items = (await s.call('alice', 'GET', `/v1/actions/${refund.id}/notifications`)).json().items as {
        state: string;
      }[];
      return items.every((n) => n.state === 'delivered');
    }, WAIT_MS);
    // The same message as the channel's: the summary and buttons bound to the request, never the token.
    for (const dm of [davesDm, erinsDm]) {
      expect(s.standin.buttons(dm)).toEqual([
        `faramesh:approve:${refund.id}:${refund.request_hash}`,
        `faramesh:deny:${refund.id}:${refund.request_hash}`,
        `faramesh:open:${refund.id}`,
      ]);
      expect(s.standin.textOf(dm)).toContain('waiting for finance, sre');
    }
    expect(JSON.stringify(s.standin.calls)).not.toContain(refund.approval_token);
    expect(davesMail.mail.text).not.toContain(refund.approval_token);
    // Finance was told once (when the action started to wait), not again at the step; nobody twice.
    expect(mailsTo('alice@corp.example')).toHaveLength(1);
    expect(mailsTo('bob@corp.example')).toHaveLength(1);
    expect(mailsTo('dave@corp.example')).toHaveLength(1);
    expect(mailsTo('erin@corp.example')).toHaveLength(0);
    expect(directTo(alice)).toEqual([]);

    // Dave approves through his email's link (bound to him and the request, single use).
    const link = new URL(linksOf(davesMail.mail).approve);
    const opened = await fetch(new URL(`${link.pathname}${link.search}`, s.url), {
      headers: { accept: 'application/json' },
    });
    expect(opened.status).toBe(200);
    const { csrf_token: csrf } = (await opened.json()) as { csrf_token: string };
    const confirm = () =>
      fetch(new URL('/email/approval', s.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ t: link.searchParams.get('t'), csrf }),
      });
    expect((await confirm()).status).toBe(200);
    expect((await confirm()).status).toBe(403);
    const action = (await s.call('alice', 'GET', `/v1/actions/${refund.id}`)).json();
    expect(action).toMatchObject({ status: 'approved', approvals: [expect.objectContaining({ by: 'dave' })] });
    const events = (await s.call('alice', 'GET', `/v1/actions/${refund.id}/events`)).json() as {
      event_type: string;
      meta: Record<string, unknown>;
    }[];
    expect(events.map((e) => e.event_type)).toEqual(['created', 'decision_made', 'escalated', 'approved']);
    expect(events[3]?.meta.via).toEqual({ channel: 'email', email_channel: 'finance-email' });

    // Erin's direct message still has its buttons; a press now changes nothing and says so.
    const press = s.standin.blockActions(erin, erinsDm, `faramesh:approve:${refund.id}:${refund.request_hash}`);
    const { body, headers } = s.standin.signed(press.payload);
    expect((await fetch(new URL('/v1/slack/interactions', s.url), { method: 'POST', headers, body })).status).toBe(200);
    expect((await eventually(() => s.standin.ephemeral(press.responseId), WAIT_MS)).text).toBe(
      'Nothing changed: stripe refund was already decided.',
    );
    expect(s.standin.violations).toEqual([]);
  }, 180_000);
});

import type { NotificationList } from '@faramesh/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { REFUND } from '../service/approval-testing.test-support.js';
import { type SlackQuorumServer, startSlackQuorumServer } from './slack-quorum.test-support.js';
import { eventually } from './webhook-receiver.test-support.js';

const running: SlackQuorumServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
});

async function serve(options: Parameters<typeof startSlackQuorumServer>[0] = {}) {
  const server = await startSlackQuorumServer(options);
  running.push(server);
  return server;
}

const SHELL = { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd: 'ls -la /tmp' } };

async function actionOf(s: SlackQuorumServer, id: string) {
  return (await s.call('alice', 'GET', `/v1/actions/${id}`)).json() as {
    status: string;
    version: number;
    approvals: { by: string }[];
  };
}

async function notificationsOf(s: SlackQuorumServer, id: string) {
  return ((await s.call('alice', 'GET', `/v1/actions/${id}/notifications`)).json() as NotificationList).items;
}

/** Waits until every notification of the action is delivered, then returns its Slack message. */
async function settled(s: SlackQuorumServer, id: string) {
  await eventually(async () => {
    const items = await notificationsOf(s, id);
    return items.length > 0 && items.every((n) => n.state === 'delivered');
  });
  const message = s.standin.messageFor(id);
  if (message === undefined) throw new Error('no Slack message');
  return message;
}

describe('Slack approvals', () => {
  it('posts a pending action to Slack, takes its approval from a button, and shows who approved', async () => {
    const s = await serve();
    const action = await s.submit('bot', SHELL);
    const posted = await eventually(() => s.standin.messageFor(action.id));
    expect(s.standin.textOf(posted)).toContain('ls -la /tmp');
    expect(s.standin.buttons(posted)).toEqual([
      `faramesh:approve:${action.id}:${action.request_hash}`,
      `faramesh:deny:${action.id}:${action.request_hash}`,
      `faramesh:open:${action.id}`,
    ]);
    expect(JSON.stringify(posted.history)).not.toContain(action.approval_token);

    const pressed = await s.press('alice', action.id);
    expect(pressed.status).toBe(200);
    expect(await actionOf(s, action.id)).toMatchObject({ status: 'approved', approvals: [{ by: 'alice' }] });
    const answer = await eventually(() => s.standin.ephemeral(pressed.responseId));
    expect(answer).toMatchObject({ response_type: 'ephemeral' });
    expect(answer.text).toContain('You (alice) approved shell run');
    const events = (await s.call('alice', 'GET', `/v1/actions/${action.id}/events`)).json() as {
      event_type: string;
      meta: Record<string, unknown>;
    }[];
    expect(events.find((e) => e.event_type === 'approved')?.meta).toMatchObject({
      by: 'alice',
      via: { channel: 'slack', slack_user: 'U0ALICE' },
    });

    const updated = await settled(s, action.id);
    expect(s.standin.buttons(updated)).toEqual([`faramesh:open:${action.id}`]);
    expect(s.standin.textOf(updated)).toContain('*Approved* by alice');
    expect(s.standin.succeeded('chat.update')).toHaveLength(1);
    expect(s.standin.violations).toEqual([]);
    expect(s.standin.calls.every((c) => c.outcome === 'ok')).toBe(true);
  });

  it('answers "not allowed" to Slack users who may not decide, and changes nothing', async () => {
    const s = await serve({ users: { U0ERIN: 'erin', U0BOT: 'bot', U0CAROL: 'carol', U0GHOST: 'ghost' } });
    const refund = await s.submit('carol', { ...REFUND, agent_id: 'carol' });
    await eventually(() => s.standin.messageFor(refund.id));
    const tries = [
      ['U0ERIN', 'Not allowed: erin is not among the approvers of stripe refund (waiting for finance)'],
      ['U0BOT', 'Not allowed: bot (role agent) may not approve or deny actions'],
      ['U0CAROL', 'Not allowed: carol submitted stripe refund and may not decide on it'],
      ['U0GHOST', 'Not allowed: ghost is not a Faramesh identity'],
      ['U0NOBODY', 'Not allowed: your Slack account is not linked to a Faramesh identity'],
    ] as const;
    for (const [user, text] of tries) {
      const pressed = await s.press(user, refund.id);
      expect(pressed.status).toBe(200);
      const answer = await eventually(() => s.standin.ephemeral(pressed.responseId));
      expect(answer.text).toContain(text);
      expect(answer.response_type).toBe('ephemeral');
    }
    const denied = await s.press('U0ERIN', refund.id, 'deny');
    expect((await eventually(() => s.standin.ephemeral(denied.responseId))).text).toContain('Not allowed');
    expect(await actionOf(s, refund.id)).toMatchObject({ status: 'pending_approval', approvals: [], version: 1 });
    expect(await s.eventTypes(refund.id)).toEqual(['created', 'decision_made']);
  });

  it('shows quorum progress from a Slack approval, then the final decision made through the API', async () => {
    const s = await serve();
    const refund = await s.submit();
    const posted = await eventually(() => s.standin.messageFor(refund.id));
    expect(s.standin.textOf(posted)).toContain('0 of 2 · waiting for finance');

    const pressed = await s.press('alice', refund.id);
    expect((await eventually(() => s.standin.ephemeral(pressed.responseId))).text).toContain(
      'You (alice) approved stripe refund: 1 of 2 approvals; waiting for finance',
    );
    const progress = await settled(s, refund.id);
    expect(s.standin.textOf(progress)).toContain('1 of 2 (alice) · waiting for finance');
    expect(s.standin.buttons(progress)).toHaveLength(3);

    // Alice again: each person counts once, and nothing changes.
    const again = await s.press('alice', refund.id);
    expect((await eventually(() => s.standin.ephemeral(again.responseId))).text).toContain('already approved');

    expect((await s.decide('bob', refund)).statusCode).toBe(200);
    await eventually(async () => (await settled(s, refund.id)).history.length === 3);
    const final = s.standin.messageFor(refund.id);
    expect(s.standin.textOf(final!)).toContain('*Approved* by alice, bob');
    expect(s.standin.buttons(final!)).toEqual([`faramesh:open:${refund.id}`]);

    // A press on the old buttons after the decision is answered, and changes nothing.
    const late = await s.press('carol', refund.id, 'deny');
    expect((await eventually(() => s.standin.ephemeral(late.responseId))).text).toContain('already decided');
    expect((await actionOf(s, refund.id)).status).toBe('approved');
    expect(s.standin.violations).toEqual([]);
  });

  it('updates the message when an action is denied or cancelled elsewhere', async () => {
    const s = await serve();
    const [denied, cancelled] = [await s.submit('bot', SHELL), await s.submit()];
    await eventually(() => s.standin.messageFor(denied.id) && s.standin.messageFor(cancelled.id));
    expect((await s.decide('dave', denied, false, 'not today')).statusCode).toBe(200);
    expect((await s.call('bot', 'POST', `/v1/actions/${cancelled.id}/cancel`, {})).statusCode).toBe(200);
    expect(
      s.standin.textOf(
        await eventually(
          async () => (await settled(s, denied.id)).history.length === 2 && s.standin.messageFor(denied.id),
        ),
      ),
    ).toContain('*Denied* by dave: not today');
    const gone = await eventually(
      async () => (await settled(s, cancelled.id)).history.length === 2 && s.standin.messageFor(cancelled.id),
    );
    expect(s.standin.textOf(gone)).toContain('*Cancelled*');
    expect(s.standin.buttons(gone)).toEqual([`faramesh:open:${cancelled.id}`]);
  });

  it('refuses forged, tampered, stale and replayed interactions with 401 and changes nothing', async () => {
    const s = await serve();
    const action = await s.submit('bot', SHELL);
    const message = await eventually(() => s.standin.messageFor(action.id));
    const button = `faramesh:approve:${action.id}:${action.request_hash}`;
    const send = (body: string, headers: Record<string, string>) =>
      fetch(new URL('/v1/slack/interactions', s.url), { method: 'POST', headers, body });
    const { payload } = s.standin.blockActions('U0ALICE', message, button);

    const forged = s.standin.signed(payload, { secret: 'f'.repeat(32) });
    const stale = s.standin.signed(payload, { timestampSeconds: Math.floor(Date.now() / 1000) - 301 });
    const good = s.standin.signed(payload);
    const tampered = s.standin.signed({ ...payload, user: { id: 'U0BOB' } });
    const unsigned = { 'content-type': 'application/x-www-form-urlencoded' };
    const attempts = [
      await send(forged.body, forged.headers),
      await send(stale.body, stale.headers),
      await send(good.body.replace('U0ALICE', 'U0BOB'), good.headers),
      await send(tampered.body, { ...tampered.headers, 'x-slack-signature': good.headers['x-slack-signature'] }),
      await send(good.body, unsigned),
    ];
    for (const response of attempts) {
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'slack_signature_invalid' } });
    }
    expect((await actionOf(s, action.id)).status).toBe('pending_approval');

    expect((await send(good.body, good.headers)).status).toBe(200);
    const replayed = await send(good.body, good.headers);
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toMatchObject({
      error: { code: 'slack_signature_invalid', details: { reason: 'replayed' } },
    });
    expect(await s.eventTypes(action.id)).toEqual(['created', 'decision_made', 'approved']);
    expect(s.standin.responses).toHaveLength(1);
  });

  it("says the interaction route takes Slack's form when given another Content-Type", async () => {
    const s = await serve();
    const send = (type: string) =>
      fetch(new URL('/v1/slack/interactions', s.url), {
        method: 'POST',
        headers: { 'content-type': type },
        body: 'payload=%7B%7D',
      });
    // The form itself gets past the media type, to the signature check.
    expect((await send('application/x-www-form-urlencoded; charset=utf-8')).status).toBe(401);
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', 'not a media type']) {
      const response = await send(type);
      expect(response.status).toBe(415);
      const body = (await response.json()) as { error: { code: string; message: string; details: unknown } };
      expect(body).toEqual({ error: { code: 'unsupported_media_type', message: expect.any(String), details: null } });
      expect(body.error.message).toContain('application/x-www-form-urlencoded');
      expect(body.error.message).not.toContain('application/json');
    }
  });

  it('loses nothing while Slack is down: every action is posted once and shows its final state', async () => {
    const s = await serve();
    s.standin.outage = true;
    const actions = [
      await s.submit('bot', SHELL),
      await s.submit(),
      await s.submit('bot', { ...SHELL, params: { cmd: 'id' } }),
    ];
    await eventually(() => s.standin.calls.filter((c) => c.outcome === 'http_503').length >= 6);
    expect((await s.decide('dave', actions[0]!)).statusCode).toBe(200);
    const failing = await notificationsOf(s, actions[0]!.id);
    expect(failing.some((n) => n.state === 'retrying' && n.last_error === 'Slack answered HTTP 503')).toBe(true);
    s.standin.outage = false;
    for (const action of actions) await settled(s, action.id);
    const posts = s.standin.succeeded('chat.postMessage').map((c) => JSON.stringify(c.args.blocks));
    for (const action of actions) expect(posts.filter((b) => b.includes(action.id))).toHaveLength(1);
    expect(s.standin.textOf(s.standin.messageFor(actions[0]!.id)!)).toContain('*Approved* by dave');
    expect(s.standin.buttons(s.standin.messageFor(actions[1]!.id)!)).toHaveLength(3);
    expect(s.standin.violations).toEqual([]);
  });

  it('maps Slack users by the email of their profile (users.info), and posts to a DM', async () => {
    const s = await serve({
      users: {},
      usersByEmail: true,
      standinUsers: { U0DANA: { email: 'Dana@Corp.example' }, U0GONE: { email: 'gone@corp.example', deleted: true } },
      channels: '    vp: { dm: U0VP, all_pending: true }',
      env: {
        FARAMESH_TOKENS: `dana@corp.example:approver:dana-token-000007,bot:agent:bot-token-000006,alice:approver:alice-token-0001`,
      },
    });
    const action = await s.submit('bot', SHELL);
    const posted = await eventually(() => s.standin.messageFor(action.id));
    expect(posted.channel).toBe('D0VP');
    expect(s.standin.succeeded('conversations.open')).toHaveLength(1);
    const gone = await s.press('U0GONE', action.id);
    expect((await eventually(() => s.standin.ephemeral(gone.responseId))).text).toContain('deactivated');
    const pressed = await s.press('U0DANA', action.id);
    expect((await eventually(() => s.standin.ephemeral(pressed.responseId))).text).toContain(
      'You (dana@corp.example) approved',
    );
    expect(s.standin.succeeded('users.info').map((c) => c.args.user)).toEqual(['U0GONE', 'U0DANA']);
    expect((await actionOf(s, action.id)).approvals).toEqual([expect.objectContaining({ by: 'dana@corp.example' })]);
  });

  it('posts only what a rule notifies it of when it does not take every pending action', async () => {
    const policy = `rules:
  - match: { tool: shell }
    require_approval: true
    notify: [finance-slack]
  - match: { tool: stripe }
    require_approval: true
  - match: { tool: "*" }
    allow: true
`;
    const s = await serve({ policy, channels: '    finance-slack: { channel: C0FINANCE }' });
    const quiet = await s.submit('bot', REFUND);
    const told = await s.submit('bot', SHELL);
    expect((await eventually(() => s.standin.messageFor(told.id))).channel).toBe('C0FINANCE');
    expect((await s.decide('alice', quiet)).statusCode).toBe(200);
    expect(await notificationsOf(s, quiet.id)).toEqual([]);
    expect(s.standin.messageFor(quiet.id)).toBeUndefined();
  });

  it('sends a test message to a Slack channel on request', async () => {
    const s = await serve();
    const response = await s.call('carol', 'POST', '/v1/channels/approvals/test');
    expect(response.statusCode).toBe(202);
    const [post] = await eventually(
      () => s.standin.succeeded('chat.postMessage').length > 0 && s.standin.succeeded('chat.postMessage'),
    );
    expect(post!.args).toMatchObject({
      channel: 'C0APPROVALS',
      text: 'Faramesh test notification, requested by carol',
    });
  });
});

import { randomUUID } from 'node:crypto';
import { createMemoryStore, type OutboxMessage } from '@faramesh/store';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleAction } from '../testing/sample-action.js';
import { SlackChannel } from './slack-channel.js';
import { SlackSecret, type SlackTarget } from './slack-config.js';
import { slackSecrets, startSlackStandin } from './slack-standin.test-support.js';
import { createSlackClient } from './slack-web-client.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A Slack channel on a memory store, posting to a stand-in, with one action waiting for approval. */
async function setup(options: { target?: SlackTarget; token?: string } = {}) {
  const secrets = slackSecrets();
  const standin = await startSlackStandin(secrets);
  closers.push(() => standin.close());
  const store = createMemoryStore();
  await store.migrate();
  const { action } = await store.createAction({
    action: sampleAction({
      tool: 'shell',
      operation: 'run',
      params: { cmd: 'ls /tmp' },
      status: 'pending_approval',
      decision: 'require_approval',
      request_hash: 'c'.repeat(64),
    }),
    events: [{ id: randomUUID(), event_type: 'decision_made', meta: {} }],
  });
  const client = createSlackClient({
    botToken: new SlackSecret(options.token ?? secrets.botToken),
    apiUrl: new URL(standin.apiUrl),
    timeoutMs: 2000,
  });
  const channel = new SlackChannel({
    config: { name: 'approvals', target: options.target ?? { channel: 'C0APPROVALS' }, allPending: true },
    client,
    getAction: (id) => store.getAction(id),
    messages: store.slackMessages!,
    outbox: store.outbox!,
    publicUrl: null,
    ruleNotify: () => [],
    users: new Map(),
    directory: { tokenEmails: new Map(), tokens: [] },
    owner: 'this-replica',
    lockMs: 10_000,
    now: () => new Date(),
  });
  const at = new Date().toISOString();
  const message = (event_type: string): OutboxMessage => ({
    id: `msg_${randomUUID()}`,
    channel: 'approvals',
    event_type,
    action_id: action.id,
    payload: {},
    status: 'queued',
    attempts: 1,
    next_attempt_at: at,
    lease_owner: 'this-replica',
    lease_expires_at: at,
    last_error: null,
    created_at: at,
    updated_at: at,
    delivered_at: null,
  });
  const deliver = (event_type: string) => channel.deliver(message(event_type));
  return { standin, store, action, channel, deliver, secrets };
}

describe('Slack channel delivery', () => {
  it('has nothing to update for an action it never posted', async () => {
    const { deliver, standin } = await setup();
    expect(await deliver('approved')).toEqual({ ok: true });
    expect(standin.calls).toEqual([]);
  });

  it('makes an update wait while its post is still queued, then updates only what changed', async () => {
    const { deliver, standin, store, action } = await setup();
    await store.outbox!.add(
      [{ id: 'msg_post', channel: 'approvals', event_type: 'decision_made', action_id: action.id, payload: {} }],
      new Date().toISOString(),
    );
    expect(await deliver('approval_recorded')).toEqual({
      ok: false,
      error: 'waiting for the Slack message to be posted',
    });
    expect(await deliver('decision_made')).toEqual({ ok: true });
    expect(standin.succeeded('chat.postMessage')).toHaveLength(1);
    // The message already shows this version of the action: nothing to send.
    expect(await deliver('approval_recorded')).toEqual({ ok: true });
    expect(standin.calls.filter((c) => c.method === 'chat.update')).toEqual([]);
    await store.transition({
      id: action.id,
      expected_version: action.version,
      patch: { status: 'denied', approval_decided_by: 'carol', approval_token: null },
      events: [{ id: randomUUID(), event_type: 'denied', meta: {} }],
      at: new Date().toISOString(),
    });
    expect(await deliver('denied')).toEqual({ ok: true });
    expect(standin.succeeded('chat.update')).toHaveLength(1);
    expect(standin.textOf(standin.messageFor(action.id)!)).toContain('*Denied* by carol');
    // A repeated post (an earlier attempt's success went unrecorded by the outbox) posts nothing new.
    expect(await deliver('decision_made')).toEqual({ ok: true });
    expect(standin.succeeded('chat.postMessage')).toHaveLength(1);
  });

  it('leaves the update to whoever holds the message lock, until that lock expires', async () => {
    const { deliver, store, action } = await setup();
    expect(await deliver('decision_made')).toEqual({ ok: true });
    const now = Date.now();
    await store.slackMessages!.lock('approvals', action.id, {
      owner: 'another-replica',
      at: new Date(now).toISOString(),
      until: new Date(now + 60_000).toISOString(),
    });
    expect(await deliver('approved')).toEqual({ ok: false, error: 'another update of this message is on its way' });
  });

  it('takes a message deleted in Slack as nothing left to update', async () => {
    const { deliver, store, action, standin } = await setup();
    await store.slackMessages!.add(
      { channel: 'approvals', action_id: action.id, slack_channel: 'C0APPROVALS', ts: '1.000001', rendered_version: 0 },
      new Date().toISOString(),
    );
    expect(await deliver('approved')).toEqual({ ok: true });
    expect(standin.calls.map((c) => [c.method, c.outcome])).toEqual([['chat.update', 'message_not_found']]);
  });

  it('opens the direct message once and posts there', async () => {
    const { deliver, standin, action } = await setup({ target: { dm: 'U0VP' } });
    expect(await deliver('decision_made')).toEqual({ ok: true });
    expect(standin.messageFor(action.id)?.channel).toBe('D0VP');
    expect(standin.succeeded('conversations.open').map((c) => c.args.users)).toEqual(['U0VP']);
  });

  it("fails an attempt with Slack's error name only, never the token or Slack's text", async () => {
    const token = 'xoxb-wrong-token-000000000';
    const { deliver, standin } = await setup({ token });
    const outcome = await deliver('decision_made');
    expect(outcome).toEqual({ ok: false, error: 'Slack refused: invalid_auth' });
    standin.outage = true;
    expect(await deliver('decision_made')).toEqual({ ok: false, error: 'Slack answered HTTP 503' });
    await standin.close();
    closers.length = 0;
    expect(await deliver('decision_made')).toEqual({ ok: false, error: 'Slack could not be reached' });
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  slackChannelsYaml,
  slackSecrets,
  startSlackStandin,
} from '../../packages/server/src/notify/slack-standin.test-support.js';
import { eventually } from '../../packages/server/src/notify/webhook-receiver.test-support.js';
import { api, type RunningServer, startServer, workDir } from './harness.js';

const running: RunningServer[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop().catch(() => {});
  for (const close of closers.splice(0)) await close();
});

describe('Slack delivery across a killed replica', () => {
  it('posts the message of an action whose replica was killed mid-post, once, and takes the approval from it', async () => {
    const secrets = slackSecrets();
    const standin = await startSlackStandin(secrets);
    closers.push(() => standin.close());
    standin.hang = true;
    const dir = workDir();
    const channels = join(dir.dir, 'channels.yaml');
    writeFileSync(
      channels,
      `${slackChannelsYaml(standin, { users: { U0ALICE: 'alice' } })}delivery: { lease_ms: 2000, poll_ms: 50, backoff_base_ms: 50, backoff_max_ms: 200 }\n`,
    );
    const env = {
      FARAMESH_CHANNELS_FILE: channels,
      SLACK_BOT_TOKEN: secrets.botToken,
      SLACK_SIGNING_SECRET: secrets.signingSecret,
    };
    const first = await startServer({ dir: dir.dir, env });
    running.push(first);
    const submitted = await api(first.url, '/v1/actions', {
      body: { agent_id: 'a', tool: 'shell', operation: 'run', params: { cmd: 'uptime' } },
    });
    expect(submitted.json.status).toBe('pending_approval');
    // The first replica holds the post, waiting on Slack, when it is killed.
    await eventually(() => standin.calls.some((c) => c.method === 'chat.postMessage' && c.outcome === 'hung'));
    await first.kill();
    running.splice(running.indexOf(first), 1);
    standin.hang = false;

    const second = await startServer({ dir: dir.dir, env });
    running.push(second);
    const id = submitted.json.id as string;
    const posted = await eventually(() => standin.messageFor(id), 20_000);
    expect(standin.succeeded('chat.postMessage')).toHaveLength(1);
    expect(standin.buttons(posted)).toHaveLength(2);

    const pressed = await standin.press(second.url, 'U0ALICE', id, 'approve');
    expect(pressed.status).toBe(200);
    expect((await api(second.url, `/v1/actions/${id}`)).json).toMatchObject({
      status: 'approved',
      approval_decided_by: 'alice',
    });
    await eventually(() => standin.messageFor(id)?.history.length === 2);
    expect(standin.buttons(standin.messageFor(id)!)).toEqual([]);
    expect(standin.textOf(standin.messageFor(id)!)).toContain('*Approved* by alice');
    expect(standin.violations).toEqual([]);
  });
});

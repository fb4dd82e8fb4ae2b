import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requestHash } from '@faramesh/sdk';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  newSecret,
  startReceiver,
} from '../../packages/server/src/notify/webhook-receiver.test-support.js';
import { describeWithPostgres } from '../../packages/store/src/postgres/postgres-cluster.test-support.js';
import { api, openStream, type RunningServer, runCli, startServer, workDir } from './harness.js';

/**
 * Redaction end to end, over the real `faramesh serve`: values at the policy's `redact` paths never
 * reach the database (SQLite file and WAL bytes; every PostgreSQL table and the cluster's files), the
 * ledger, the SSE stream, the webhook payloads or the logs; they become keyed digests that stay
 * equal for equal values and that `faramesh redaction digest` reproduces; request_hash still covers
 * the original, so the approval binds to what the agent asked and the agent can check it.
 */

const KEY = randomBytes(32).toString('hex');
const POLICY = `
redact: [params.api_key, context.authorization]
rules:
  - match: { tool: http, op: post }
    require_approval: true
    description: Posts need approval
    redact: [params.headers.cookie]
  - match: { tool: http }
    allow: true
`;
const TOKENS = {
  bot: `bot-${randomBytes(8).toString('hex')}`,
  alice: `alice-${randomBytes(8).toString('hex')}`,
  root: `root-${randomBytes(8).toString('hex')}`,
};
const TOKENS_ENV = `bot:agent:${TOKENS.bot},alice:approver:${TOKENS.alice},root:admin:${TOKENS.root}`;

/** Fresh secrets per run: their bytes can't appear anywhere by chance. */
function secrets() {
  const one = () => `sk_live_${randomBytes(16).toString('hex')}`;
  return { apiKey: one(), authorization: `Bearer ${one()}`, cookie: `session=${one()}`, other: one(), idem: one() };
}

type Secrets = ReturnType<typeof secrets>;

function leaked(text: string | Buffer, all: Secrets): string[] {
  const haystack = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return Object.values(all).filter((secret) => haystack.includes(Buffer.from(secret, 'utf8')));
}

interface Harness {
  server: RunningServer;
  receiver: Awaited<ReturnType<typeof startReceiver>>;
}

async function serve(env: Record<string, string> = {}): Promise<Harness> {
  const hookSecret = newSecret();
  const receiver = await startReceiver([hookSecret]);
  const base = workDir();
  writeFileSync(base.policy, POLICY);
  writeFileSync(
    join(base.dir, 'channels.yaml'),
    `webhooks:
  ops:
    url: ${receiver.url}
    events: [decision_made, approved, started, succeeded]
    secret_env: [OPS_HOOK_SECRET]
    timeout_ms: 2000
delivery: { backoff_base_ms: 20, backoff_max_ms: 100, poll_ms: 20, max_attempts: 3, lease_ms: 5000 }
`,
  );
  const server = await startServer({
    dir: base.dir,
    env: {
      FARAMESH_REDACTION_KEY: KEY,
      FARAMESH_TOKENS: TOKENS_ENV,
      FARAMESH_CHANNELS_FILE: join(base.dir, 'channels.yaml'),
      OPS_HOOK_SECRET: hookSecret,
      ...env,
    },
  });
  return { server, receiver };
}

/** Submits, decides and runs the secret-carrying actions; checks everything the API, SSE and hooks show. */
async function exercise({ server, receiver }: Harness, s: Secrets) {
  const { url } = server;
  const stream = openStream(`${url}/v1/events`, { authorization: `Bearer ${TOKENS.alice}` });
  const request = {
    agent_id: 'bot',
    tool: 'http',
    operation: 'post',
    params: { url: 'https://api.example.com/charge', api_key: s.apiKey, headers: { cookie: s.cookie, accept: 'json' } },
    context: { authorization: s.authorization, trace: 't-1' },
  };
  const submitted = await api(url, '/v1/actions', { body: request, token: TOKENS.bot });
  expect(submitted.status).toBe(201);
  const action = submitted.json;
  expect(action.status).toBe('pending_approval');
  expect(leaked(JSON.stringify(action), s)).toEqual([]);
  const digest = (value: string) => runCli(['redaction', 'digest', value], { env: { FARAMESH_REDACTION_KEY: KEY } });
  const keyDigest = (await digest(s.apiKey)).stdout.trim();
  expect(keyDigest).toMatch(/^\[redacted:hmac-sha256:[0-9a-f]{64}\]$/);
  expect(action.params).toEqual({
    url: 'https://api.example.com/charge',
    api_key: keyDigest,
    headers: { cookie: (await digest(s.cookie)).stdout.trim(), accept: 'json' },
  });
  expect(action.context).toEqual({ authorization: (await digest(s.authorization)).stdout.trim(), trace: 't-1' });
  // request_hash covers what the agent sent: the agent recomputes it from its own arguments.
  expect(action.request_hash).toBe(await requestHash(request));

  // Equal values give equal digests (an allowed GET with the same key), other values other digests.
  const same = await api(url, '/v1/actions', {
    body: { agent_id: 'bot', tool: 'http', operation: 'get', params: { api_key: s.apiKey } },
    token: TOKENS.bot,
  });
  expect([same.status, same.json.status, same.json.params.api_key]).toEqual([201, 'allowed', keyDigest]);
  const other = await api(url, '/v1/actions', {
    body: { agent_id: 'bot', tool: 'http', operation: 'get', params: { api_key: s.other } },
    token: TOKENS.bot,
  });
  expect(other.json.params.api_key).toMatch(/^\[redacted:hmac-sha256:/);
  expect(other.json.params.api_key).not.toBe(keyDigest);

  // The approval binds to the original request's hash; the agent's own check still matches after it.
  const token = (await api(url, `/v1/actions/${action.id}`, { token: TOKENS.alice })).json.approval_token;
  const approved = await api(url, `/v1/actions/${action.id}/approval`, {
    body: { token, approve: true, request_hash: await requestHash(request) },
    token: TOKENS.alice,
  });
  expect([approved.status, approved.json.status]).toEqual([200, 'approved']);
  expect(approved.json.request_hash).toBe(await requestHash(request));
  expect((await api(url, `/v1/actions/${action.id}/start`, { body: {}, token: TOKENS.bot })).status).toBe(200);
  const done = await api(url, `/v1/actions/${action.id}/result`, { body: { success: true }, token: TOKENS.bot });
  expect(done.json.status).toBe('succeeded');

  // Replaying would submit digests as if they were the values: refused.
  const replay = await api(url, `/v1/actions/${action.id}/replay`, { body: {}, token: TOKENS.root });
  expect([replay.status, replay.json.error?.code]).toEqual([409, 'action_redacted']);

  // An error about a request never echoes its values.
  const idem = { agent_id: 'bot', tool: 'http', operation: 'get', params: { api_key: s.idem } };
  const first = await fetch(`${url}/v1/actions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS.bot}`, 'content-type': 'application/json', 'idempotency-key': 'k-1' },
    body: JSON.stringify(idem),
  });
  expect(first.status).toBe(201);
  const conflict = await fetch(`${url}/v1/actions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKENS.bot}`, 'content-type': 'application/json', 'idempotency-key': 'k-1' },
    body: JSON.stringify({ ...idem, params: { api_key: s.other } }),
  });
  const conflictBody = await conflict.text();
  expect(conflict.status).toBe(409);
  expect(leaked(conflictBody, s)).toEqual([]);

  // Search never finds a secret, only its digest.
  const search = await api(url, `/v1/actions?q=${encodeURIComponent(s.apiKey.slice(8, 24))}`, { token: TOKENS.alice });
  expect(search.json.total).toBe(0);
  const byDigest = await api(url, `/v1/actions?q=${encodeURIComponent(keyDigest.slice(22, 50))}`, {
    token: TOKENS.alice,
  });
  expect(byDigest.json.total).toBe(2);

  // 5 events for the approved action, 2 for each of the three allowed ones.
  const frames = await stream.waitFor(11);
  await stream.close();
  expect(leaked(frames.map((frame) => frame.data).join('\n'), s)).toEqual([]);
  expect(frames.map((frame) => frame.data).join('\n')).toContain(keyDigest);

  // Webhook payloads carry the action (params included): digests only.
  const received = await eventually(() => receiver.received.length >= 7 && receiver.received);
  expect(leaked(received.map((r) => r.body).join('\n'), s)).toEqual([]);
  expect(received.some((r) => r.body.includes(keyDigest))).toBe(true);

  const audit = await api(url, '/v1/audit/verify', { token: TOKENS.alice });
  expect(audit.json).toMatchObject({ ok: true });
  const events = await api(url, `/v1/actions/${action.id}/events`, { token: TOKENS.alice });
  expect(events.json[0].meta.redacted).toEqual(['params.api_key', 'context.authorization', 'params.headers.cookie']);
  // The event names the key the digests were made with: the one `redaction digest` says it used.
  const keyId = (await digest(s.apiKey)).stderr.trim();
  expect(keyId).toMatch(/^key id [0-9a-f]{16}$/);
  expect(`key id ${events.json[0].meta.redaction_key_id}`).toBe(keyId);
  expect(leaked(JSON.stringify(events.json), s)).toEqual([]);
  return { keyDigest };
}

/** Every file under `dir`, read as bytes. */
function filesUnder(dir: string): { path: string; bytes: Buffer }[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => existsSync(path) && statSync(path).isFile())
    .map((path) => ({ path, bytes: readFileSync(path) }));
}

describe('redaction on SQLite', () => {
  let harness: Harness;
  const s = secrets();
  beforeAll(async () => {
    harness = await serve();
  }, 60_000);
  afterAll(async () => {
    await harness?.server.stop();
    await harness?.receiver.close();
  });

  it('keeps secret values out of the database file, its WAL, the stream, the hooks and the logs', async () => {
    await exercise(harness, s);
    const { db } = harness.server;
    // While the server runs the latest writes may still be in the WAL: read every file of the database.
    const live = [db, `${db}-wal`, `${db}-shm`].filter(existsSync).map((path) => ({ path, bytes: readFileSync(path) }));
    expect(live.some((file) => file.path.endsWith('-wal') && file.bytes.length > 0)).toBe(true);
    expect(live.filter((file) => leaked(file.bytes, s).length > 0).map((file) => file.path)).toEqual([]);
    expect(leaked(harness.server.output(), s)).toEqual([]);
    expect(harness.server.output()).toContain('Faramesh listening');
    await harness.server.stop();
    const after = filesUnder(harness.server.dir).filter((file) => leaked(file.bytes, s).length > 0);
    expect(after.map((file) => file.path)).toEqual([]);
  }, 60_000);
});

describe('a policy with redact and no redaction key', () => {
  it('refuses to start and says where', async () => {
    const base = workDir();
    writeFileSync(base.policy, POLICY);
    await expect(startServer({ dir: base.dir })).rejects.toThrow(/policy\.yaml:2:1 error redaction_key_missing/);
  });

  it('refuses a key shorter than 32 characters', async () => {
    const base = workDir();
    writeFileSync(base.policy, POLICY);
    await expect(startServer({ dir: base.dir, env: { FARAMESH_REDACTION_KEY: 'short' } })).rejects.toThrow(
      /FARAMESH_REDACTION_KEY must be at least 32 characters/,
    );
  });
});

/** The one line a server started with `key` prints when the database records `recorded`'s id. */
function refusal(key: string, recorded: string): RegExp {
  const id = (k: string) => createHmac('sha256', k).update('faramesh-redaction-key-id').digest('hex').slice(0, 16);
  return new RegExp(
    `\\nerror: FARAMESH_REDACTION_KEY is not this database's redaction key: this server's key id is ${id(key)}, the database records ${id(recorded)} \\(the key its redacted values are digested with\\)\\. Give every replica the same key \\(compared byte for byte: case and spaces count\\); to change it on purpose, start once with FARAMESH_REDACTION_KEY_ROTATE=${id(recorded)} \\(values redacted before keep their digests under the old key\\)\\n`,
  );
}

describe('one redaction key per SQLite database', () => {
  it('refuses a restart with another key in one line naming both key ids; the same key starts, a rotation records the new one', async () => {
    const base = workDir();
    writeFileSync(base.policy, POLICY);
    const other = randomBytes(32).toString('hex');
    const first = await startServer({ dir: base.dir, env: { FARAMESH_REDACTION_KEY: KEY } });
    await first.stop();
    // The same secret in upper case, or with a trailing newline (a key file read as is), is another key.
    for (const key of [other, KEY.toUpperCase(), `${KEY}\n`]) {
      const started = startServer({ dir: base.dir, env: { FARAMESH_REDACTION_KEY: key } });
      await expect(started).rejects.toThrow(refusal(key, KEY));
    }
    const again = await startServer({ dir: base.dir, env: { FARAMESH_REDACTION_KEY: KEY } });
    await again.stop();
    const oldId = createHmac('sha256', KEY).update('faramesh-redaction-key-id').digest('hex').slice(0, 16);
    const rotated = await startServer({
      dir: base.dir,
      env: { FARAMESH_REDACTION_KEY: other, FARAMESH_REDACTION_KEY_ROTATE: oldId },
    });
    expect(rotated.output()).toContain(`in place of ${oldId}`);
    await rotated.stop();
    await expect(startServer({ dir: base.dir, env: { FARAMESH_REDACTION_KEY: KEY } })).rejects.toThrow(
      refusal(KEY, other),
    );
  }, 60_000);
});

describeWithPostgres('redaction on PostgreSQL', (cluster) => {
  it('lets only one of two replicas started at once with different keys run, and says why to the other', async () => {
    const dsn = await (await cluster()).createDatabase('two_keys');
    const keys = [KEY, randomBytes(32).toString('hex')];
    const starts = keys.map((key) => {
      const base = workDir();
      writeFileSync(base.policy, POLICY);
      return startServer({
        dir: base.dir,
        env: { FARAMESH_REDACTION_KEY: key, FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: dsn },
      });
    });
    const results = await Promise.allSettled(starts);
    const running = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    try {
      expect(running).toHaveLength(1);
      const winner = results.findIndex((result) => result.status === 'fulfilled');
      const refused = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
      expect((refused.reason as Error).message).toMatch(refusal(keys[1 - winner]!, keys[winner]!));
    } finally {
      for (const server of running) await server.stop();
    }
  }, 120_000);

  it('keeps secret values out of every table and every file of the cluster', async () => {
    const postgres = await cluster();
    const dsn = await postgres.createDatabase('redaction');
    const harness = await serve({ FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: dsn });
    const s = secrets();
    try {
      const { keyDigest } = await exercise(harness, s);
      const client = new pg.Client({ connectionString: dsn });
      await client.connect();
      try {
        await client.query('CHECKPOINT');
        const tables = (
          await client.query<{ name: string }>(
            "SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public'",
          )
        ).rows.map((row) => row.name);
        expect(tables).toEqual(expect.arrayContaining(['actions', 'action_events', 'outbox']));
        let dump = '';
        for (const table of tables) {
          const rows = await client.query<{ row: string }>(`SELECT t::text AS row FROM ${table} t`);
          dump += rows.rows.map((row) => row.row).join('\n');
        }
        expect(dump).toContain(keyDigest);
        expect(leaked(dump, s)).toEqual([]);
      } finally {
        await client.end();
      }
      const files = filesUnder(postgres.dataDir).filter((file) => leaked(file.bytes, s).length > 0);
      expect(files.map((file) => file.path)).toEqual([]);
      expect(leaked(harness.server.output(), s)).toEqual([]);
    } finally {
      await harness.server.stop();
      await harness.receiver.close();
    }
  }, 120_000);
});

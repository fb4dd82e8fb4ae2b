import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '@faramesh/canonical';
import { ERROR_STATUS, isErrorCode } from '@faramesh/contract';
import { createSqliteStore } from '@faramesh/store';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bodyText,
  hostileJson,
  hostileNumber,
  hostileString,
  type JsonText,
  object,
  oddName,
  paramsLike,
  percentEncode,
  queryString,
  queryValue,
  submissionBody,
  timestampLike,
  toJsonText,
} from '../testing/hostile-input.test-support.js';
import { startTestServer } from '../testing/test-server.js';

/**
 * Property-based fuzzing of the whole HTTP API, in process, on a SQLite file: hostile bodies, queries
 * and headers against every route as every role. It fails on any 5xx, any error answer that is not
 * the contract's JSON error, and any action whose stored form differs from what the 201 acknowledged
 * or from what was sent, or whose request_hash does not verify. Bounded (a few thousand requests) to
 * keep CI fast; fast-check prints the seed of a failure to replay it.
 */

const TOKENS = {
  agent: 'tok-agent-one-0001',
  agent2: 'tok-agent-two-0002',
  approver: 'tok-approver-0003',
  admin: 'tok-admin-00000004',
} as const;
/** `FUZZ_SCALE=20 npx vitest run …` for a long local run; CI runs the default few thousand. */
const SCALE = Math.max(1, Number(process.env.FUZZ_SCALE ?? 1));
const runs = (n: number) => ({ numRuns: n * SCALE });

type Caller = keyof typeof TOKENS | 'anonymous' | 'wrong';

let server: Awaited<ReturnType<typeof startTestServer>>;
let origin: string;
/** Recently created actions, to aim lifecycle requests at real ids and tokens. */
const known: { id: string; token: string | null }[] = [];
/** Submissions whose storage was checked: the run must reach the store, not only the validators. */
let verified = 0;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fuzz-'));
  mkdirSync(join(dir, 'ui', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'ui', 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(dir, 'ui', 'assets', 'app.js'), 'export {};');
  server = await startTestServer({
    // NORMAL: still a real SQLite file, without an fsync per request (speed lives in bench/, not here).
    store: createSqliteStore({ path: join(dir, 'fuzz.db'), synchronous: 'normal' }),
    env: {
      FARAMESH_TOKENS: `agent-1:agent:${TOKENS.agent},agent-2:agent:${TOKENS.agent2},approver-1:approver:${TOKENS.approver},admin-1:admin:${TOKENS.admin}`,
      // agent-1 may submit as any agent id so arbitrary ids reach the store; agent-2 keeps the
      // default binding (its own name), so the 403 path is fuzzed too.
      FARAMESH_AGENT_BINDINGS: 'agent-1=*',
      FARAMESH_UI_DIR: join(dir, 'ui'),
      FARAMESH_ARCHIVE_DIR: join(dir, 'archive'),
    },
  });
  origin = await server.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server.close();
});

function authorization(caller: Caller): Record<string, string> {
  if (caller === 'anonymous') return {};
  if (caller === 'wrong') return { authorization: 'Bearer not-a-real-token' };
  return { authorization: `Bearer ${TOKENS[caller]}` };
}

interface Request {
  method: 'GET' | 'POST';
  url: string;
  caller: Caller;
  body?: string;
  headers?: Record<string, string>;
}

interface Answer {
  status: number;
  body: string;
}

async function send(request: Request): Promise<Answer> {
  const headers = { ...authorization(request.caller), ...request.headers };
  // Dot segments are resolved: `/v1/actions/../events` is the stream too.
  if (new URL(request.url, 'http://x').pathname === '/v1/events') return sendStream(request.url, headers);
  const res = await server.app.inject({
    method: request.method,
    url: request.url,
    headers,
    ...(request.body !== undefined && { payload: request.body }),
  });
  return { status: res.statusCode, body: res.body };
}

/** SSE never ends by itself: over a real socket, hang up once the stream has started. */
async function sendStream(url: string, headers: Record<string, string>): Promise<Answer> {
  const abort = new AbortController();
  const res = await fetch(origin + url, { headers, signal: abort.signal });
  if (res.status === 200) {
    abort.abort();
    return { status: 200, body: '' };
  }
  return { status: res.status, body: await res.text() };
}

/** The invariants every answer keeps, whatever was sent. */
function checkAnswer(request: Request, answer: Answer): void {
  const where = `${request.method} ${request.url.slice(0, 300)} as ${request.caller}`;
  if (answer.status >= 500) throw new Error(`${where} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  // Node refuses an oversized URL itself (431) before the app sees it.
  if (answer.status < 400 || answer.status === 431) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    throw new Error(`${where} answered ${answer.status} with a non-JSON body: ${answer.body.slice(0, 200)}`);
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
  if (!isErrorCode(error?.code) || typeof error.message !== 'string' || ERROR_STATUS[error.code] !== answer.status) {
    throw new Error(`${where} answered ${answer.status} with ${answer.body.slice(0, 200)}`);
  }
}

/** What the agent sent, as the server should have understood it (defaults, agent_id from context). */
function sentRequest(bodyTextSent: string): Record<string, unknown> {
  const sent = JSON.parse(bodyTextSent) as Record<string, unknown>;
  const context = (sent.context ?? {}) as Record<string, unknown>;
  return {
    agent_id: sent.agent_id ?? context.agent_id,
    tool: sent.tool,
    operation: sent.operation,
    params: sent.params ?? {},
    context,
  };
}

const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

/** After a 201/200 for a submission: stored equals acknowledged equals sent, and the hash verifies. */
async function checkStored(request: Request, answer: Answer, replayed: boolean): Promise<void> {
  const ack = JSON.parse(answer.body) as Record<string, unknown> & { id: string; request_hash: string };
  const stored = await send({ method: 'GET', url: `/v1/actions/${ack.id}`, caller: request.caller });
  expect(stored.status).toBe(200);
  const action = JSON.parse(stored.body) as typeof ack;
  expect(action, 'the stored action differs from the acknowledged one').toEqual(ack);
  const { agent_id, tool, operation, params, context } = action;
  const requested = { agent_id, tool, operation, params, context };
  const hash = createHash('sha256').update(canonicalJson(requested)).digest('hex');
  expect(action.request_hash, 'request_hash does not verify').toBe(hash);
  if (!replayed && request.body !== undefined) {
    // JSON round trips turn -0 into 0 on both sides: the one change JSON itself makes.
    expect(roundTrip(requested), 'the stored request differs from the one sent').toEqual(
      roundTrip(sentRequest(request.body)),
    );
  }
  verified += 1;
  if (known.length >= 40) known.shift();
  known.push({ id: ack.id, token: typeof ack.approval_token === 'string' ? ack.approval_token : null });
}

async function exchange(request: Request): Promise<Answer> {
  const answer = await send(request);
  checkAnswer(request, answer);
  const submitted = request.method === 'POST' && (request.url === '/v1/actions' || request.url.endsWith('/replay'));
  if (submitted && (answer.status === 201 || answer.status === 200)) {
    await checkStored(request, answer, request.url.endsWith('/replay') || answer.status === 200);
  }
  return answer;
}

const caller: fc.Arbitrary<Caller> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Caller>('agent', 'admin') },
  { weight: 2, arbitrary: fc.constantFrom<Caller>('agent2', 'approver') },
  { weight: 1, arbitrary: fc.constantFrom<Caller>('anonymous', 'wrong') },
);
const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 1,
    arbitrary: fc.constantFrom('application/vnd.faramesh+json', 'text/plain', 'application/json; charset=latin1', ''),
  },
);

/** An action id: one that exists (by index, resolved when sent) or hostile text. */
type IdChoice = { known: number } | { text: string };
const idChoice: fc.Arbitrary<IdChoice> = fc.oneof(
  { weight: 4, arbitrary: fc.nat(39).map((index) => ({ known: index })) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.constantFrom(
          'abcd',
          '0000',
          'ABCDEF12',
          '00000000-0000-4000-8000-000000000000',
          '..',
          '%00',
          'x'.repeat(300),
        ),
        hostileString.map(percentEncode),
        fc.uuid(),
      )
      .map((text) => ({ text })),
  },
);

function resolveId(choice: IdChoice): string {
  if ('text' in choice) return choice.text;
  return known.length === 0 ? 'abcd' : known[choice.known % known.length]!.id;
}

function tokenFor(choice: IdChoice, fallback: string): string {
  if ('text' in choice || known.length === 0) return fallback;
  return known[choice.known % known.length]!.token ?? fallback;
}

const approvalBody = (id: IdChoice): fc.Arbitrary<string> =>
  bodyText(
    fc
      .record(
        {
          token: fc.oneof(
            fc.constant<JsonText>({ kind: 'raw', text: '"TOKEN"' }),
            hostileString.map((s): JsonText => ({ kind: 'string', value: s })),
          ),
          approve: fc.oneof(
            fc.constantFrom<JsonText>({ kind: 'raw', text: 'true' }, { kind: 'raw', text: 'false' }),
            hostileJson,
          ),
          reason: hostileJson,
          request_hash: hostileJson,
          extra: hostileJson,
        },
        { requiredKeys: [] },
      )
      .map((record) => object(Object.entries(record) as [string, JsonText][])),
  ).map((text) => text.replace('"TOKEN"', JSON.stringify(tokenFor(id, 'no-such-token'))));

const resultBody = bodyText(
  fc
    .record({ success: hostileJson, error: hostileJson }, { requiredKeys: [] })
    .map((record) => object(Object.entries(record) as [string, JsonText][])),
);

const LIST_QUERY = ['limit', 'offset', 'cursor', 'status', 'tool', 'agent_id', 'risk_level', 'since', 'until', 'q'];

/** Any request to any route, as any caller. */
const anyRequest: fc.Arbitrary<Request> = fc.oneof(
  fc
    .record({
      body: bodyText(submissionBody),
      caller,
      type: contentType,
      key: fc.option(fc.oneof(fc.constantFrom('k1', 'k2'), hostileString), { nil: undefined }),
    })
    .map(({ body, caller, type, key }) => ({
      method: 'POST' as const,
      url: '/v1/actions',
      caller,
      body,
      headers: {
        ...(type !== '' && { 'content-type': type }),
        // Header values must be latin1 text; the server must refuse the rest cleanly.
        ...(key !== undefined && { 'idempotency-key': key.replace(/[^\x20-\xff]/g, '?') }),
      },
    })),
  fc
    .record({
      body: bodyText(
        fc
          .tuple(submissionBody, fc.option(hostileString, { nil: undefined }))
          .map(([tree, policy]) =>
            policy === undefined || tree.kind !== 'object'
              ? tree
              : object([...tree.entries, ['policy', { kind: 'string', value: policy }]]),
          ),
      ),
      caller,
    })
    .map(({ body, caller }) => ({
      method: 'POST' as const,
      url: '/playground/eval',
      caller,
      body,
      headers: { 'content-type': 'application/json' },
    })),
  fc.record({ query: queryString(LIST_QUERY), caller }).map(({ query, caller }) => ({
    method: 'GET' as const,
    url: `/v1/actions?${query}`,
    caller,
  })),
  fc
    .record({ id: idChoice, suffix: fc.constantFrom('', '/events', '/explain', '/wait?timeout_ms=0'), caller })
    .map(({ id, suffix, caller }) => ({
      method: 'GET' as const,
      url: `/v1/actions/${resolveId(id)}${suffix}`,
      caller,
    })),
  fc
    .record({ id: idChoice, timeout: fc.oneof(fc.constantFrom('0', '1'), hostileNumber), caller })
    .map(({ id, timeout, caller }) => ({
      method: 'GET' as const,
      // A valid timeout really waits: keep those short so the run stays fast.
      url: `/v1/actions/${resolveId(id)}/wait?timeout_ms=${Number(timeout) > 5 && Number(timeout) <= 60_000 ? '2' : percentEncode(timeout)}`,
      caller,
    })),
  fc.record({ id: idChoice, caller }).chain(({ id, caller }) =>
    approvalBody(id).map((body) => ({
      method: 'POST' as const,
      url: `/v1/actions/${resolveId(id)}/approval`,
      caller,
      body,
      headers: { 'content-type': 'application/json' },
    })),
  ),
  fc
    .record({ id: idChoice, route: fc.constantFrom('start', 'result', 'replay', 'cancel'), body: resultBody, caller })
    .map(({ id, route, body, caller }) => ({
      method: 'POST' as const,
      url: `/v1/actions/${resolveId(id)}/${route}`,
      caller,
      body: route === 'result' ? body : body.length % 3 === 0 ? '' : '{}',
      headers: { 'content-type': 'application/json' },
    })),
  fc
    .record({
      query: queryString(['status', 'agent_id', 'tool', 'action_id', 'last_event_id']),
      lastEventId: fc.option(fc.oneof(hostileNumber, fc.constantFrom('0', '1', '-1', '999999999999999999999')), {
        nil: undefined,
      }),
      caller,
    })
    .map(({ query, lastEventId, caller }) => ({
      method: 'GET' as const,
      url: `/v1/events?${query}`,
      caller,
      ...(lastEventId !== undefined && { headers: { 'last-event-id': lastEventId } }),
    })),
  fc.record({ after: fc.oneof(hostileNumber, hostileString.map(percentEncode)), caller }).map(({ after, caller }) => ({
    method: 'GET' as const,
    url: `/v1/audit/export?after=${after.replace('+', '%2B')}`,
    caller,
  })),
  fc
    .record({
      path: fc.constantFrom(
        '/v1/audit/verify',
        '/v1/policy',
        '/v1/auth/whoami',
        '/health',
        '/ready',
        '/metrics',
        '/openapi.json',
        '/',
        '/playground',
        '/assets/app.js',
      ),
      caller,
    })
    .map(({ path, caller }) => ({ method: 'GET' as const, url: path, caller })),
  fc
    .record({ rest: hostileString.map(percentEncode), base: fc.constantFrom('/assets/', '/ui/', '/v1/', '/'), caller })
    .map(({ rest, base, caller }) => ({ method: 'GET' as const, url: base + rest, caller })),
  // The routes of break-glass, reviews, standing grants, shadow policies, archiving and channels.
  fc
    .record({
      id: idChoice,
      route: fc.constantFrom(
        (id: string) => `/v1/actions/${id}/break-glass`,
        (id: string) => `/v1/reviews/${id}/acknowledge`,
        (id: string) => `/v1/grants/${id}/revoke`,
        (id: string) => `/v1/outbox/${id}/retry`,
        (id: string) => `/v1/channels/${id}/test`,
        () => '/v1/policy/shadow',
        () => '/v1/policy/shadow/promote',
        () => '/v1/audit/archive',
        () => '/v1/slack/interactions',
      ),
      body: bodyText(
        fc
          .record(
            {
              reason: hostileJson,
              request_hash: hostileJson,
              note: hostileJson,
              grant: hostileJson,
              policy: hostileJson,
              expected_hash: hostileJson,
              since: hostileJson,
              before: fc.oneof(
                fc.constantFrom<JsonText>(
                  { kind: 'raw', text: '"90d"' },
                  { kind: 'raw', text: '"1e400d"' },
                  { kind: 'raw', text: '"2999-01-01T00:00:00Z"' },
                ),
                hostileJson,
              ),
              dry_run: fc.oneof(fc.constant<JsonText>({ kind: 'raw', text: 'true' }), hostileJson),
            },
            { requiredKeys: [] },
          )
          .map((record) => object(Object.entries(record) as [string, JsonText][])),
      ),
      type: contentType,
      caller,
    })
    .map(({ id, route, body, type, caller }) => ({
      method: 'POST' as const,
      url: route(resolveId(id)),
      caller,
      body,
      headers: type === '' ? {} : { 'content-type': type },
    })),
  fc
    .record({
      id: idChoice,
      path: fc.constantFrom(
        (id: string, q: string) => `/v1/actions/${id}/grant-proposal?${q}`,
        (id: string, q: string) => `/v1/actions/${id}/notifications?${q}`,
        (id: string, q: string) => `/v1/grants/${id}?${q}`,
        (_id: string, q: string) => `/v1/grants?${q}`,
        (_id: string, q: string) => `/v1/reviews?${q}`,
        (_id: string, q: string) => `/v1/outbox?${q}`,
        (_id: string, q: string) => `/v1/policy/shadow?${q}`,
        (_id: string, q: string) => `/v1/policy/shadow/report?${q}`,
      ),
      query: queryString(['state', 'status', 'action_id', 'limit', 'after', 'since', 'policy_hash', 'examples']),
      caller,
    })
    .map(({ id, path, query, caller }) => ({ method: 'GET' as const, url: path(resolveId(id), query), caller })),
  fc.record({ body: bodyText(hostileJson), caller }).map(({ body, caller }) => ({
    method: 'POST' as const,
    url: '/v1/policy/reload',
    caller,
    body,
    headers: { 'content-type': 'application/json' },
  })),
);

describe('HTTP API under hostile input', () => {
  it('never answers 5xx or a non-contract error, and stores submissions exactly as acknowledged', async () => {
    await fc.assert(
      fc.asyncProperty(submissionBody, caller, async (tree, who) => {
        await exchange({
          method: 'POST',
          url: '/v1/actions',
          caller: who,
          body: toJsonText(tree),
          headers: { 'content-type': 'application/json' },
        });
      }),
      runs(1200),
    );
  });

  it('keeps every route and role within the contract', async () => {
    await fc.assert(
      fc.asyncProperty(anyRequest, async (request) => {
        await exchange(request);
      }),
      runs(2500),
    );
  });

  it('answers every query parameter within the contract', async () => {
    const listQuery = fc.oneof(
      fc
        .record({ name: fc.constantFrom('since', 'until'), value: timestampLike })
        .map(({ name, value }) => `${name}=${value.replace('+', '%2B')}`),
      queryString(LIST_QUERY),
    );
    const request = fc.oneof(
      fc
        .record({ query: listQuery, caller })
        .map(({ query, caller }) => ({ method: 'GET' as const, url: `/v1/actions?${query}`, caller })),
      fc
        .record({ after: queryValue, caller })
        .map(({ after, caller }) => ({ method: 'GET' as const, url: `/v1/audit/export?after=${after}`, caller })),
    );
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        await exchange(r);
      }),
      runs(1000),
    );
  });

  it('lets an approver approve any accepted pending action, and records its result', async () => {
    const shellBody = fc
      .record({ agent_id: oddName, params: paramsLike, context: paramsLike })
      .map(({ agent_id, params, context }) =>
        object([
          ['agent_id', { kind: 'string', value: agent_id }],
          ['tool', { kind: 'raw', text: '"shell"' }],
          ['operation', { kind: 'raw', text: '"run"' }],
          ['params', params],
          ['context', context],
        ]),
      );
    await fc.assert(
      fc.asyncProperty(shellBody, fc.boolean(), hostileJson, async (tree, success, error) => {
        const submitted = await exchange({
          method: 'POST',
          url: '/v1/actions',
          caller: 'agent',
          body: toJsonText(tree),
          headers: { 'content-type': 'application/json' },
        });
        if (submitted.status !== 201) return;
        const action = JSON.parse(submitted.body) as { id: string; status: string };
        expect(action.status).toBe('pending_approval');
        const seen = JSON.parse(
          (await exchange({ method: 'GET', url: `/v1/actions/${action.id}`, caller: 'approver' })).body,
        );
        const approval = await exchange({
          method: 'POST',
          url: `/v1/actions/${action.id}/approval`,
          caller: 'approver',
          body: JSON.stringify({ token: seen.approval_token, approve: true, request_hash: seen.request_hash }),
          headers: { 'content-type': 'application/json' },
        });
        expect(approval.status, approval.body).toBe(200);
        expect(JSON.parse(approval.body).status).toBe('approved');
        const result = await exchange({
          method: 'POST',
          url: `/v1/actions/${action.id}/result`,
          caller: 'agent',
          body: `{"success":${success},"error":${toJsonText(error)}}`,
          headers: { 'content-type': 'application/json' },
        });
        if (result.status === 200) expect(JSON.parse(result.body).status).toBe(success ? 'succeeded' : 'failed');
      }),
      runs(300),
    );
  });

  it('reached the store, and leaves a ledger that verifies', async () => {
    expect(verified).toBeGreaterThan(100);
    const audit = await send({ method: 'GET', url: '/v1/audit/verify', caller: 'admin' });
    expect(JSON.parse(audit.body)).toMatchObject({ ok: true });
  });
});

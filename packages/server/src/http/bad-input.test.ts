import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '@faramesh/canonical';
import { createSqliteStore } from '@faramesh/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
let pendingId: string;
const ANY_ID = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  server = await startTestServer({
    store: createSqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'bad-')), 'a.db') }),
  });
  const pending = await post('/v1/actions', '{"agent_id":"a","tool":"shell","operation":"run","params":{"cmd":"ls"}}');
  pendingId = pending.json().id;
});
afterAll(async () => {
  await server.close();
});

function post(url: string, text: string | Buffer, headers: Record<string, string> = {}) {
  return server.app.inject({
    method: 'POST',
    url,
    payload: text,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

const get = (url: string) => server.app.inject({ url });

describe('numbers a double cannot hold', () => {
  const bodies: [string, () => string, string][] = [
    ['a submission', () => '/v1/actions', '{"agent_id":"a","tool":"http","operation":"get","params":{"amount":1e400}}'],
    [
      'a negative one',
      () => '/v1/actions',
      '{"agent_id":"a","tool":"http","operation":"get","params":{"amount":-1e400}}',
    ],
    [
      'deep in context',
      () => '/v1/actions',
      '{"agent_id":"a","tool":"http","operation":"get","context":{"a":[{"b":1e400}]}}',
    ],
    ['the playground', () => '/playground/eval', '{"tool":"stripe","operation":"refund","params":{"amount":1e400}}'],
    ['an approval', () => `/v1/actions/${pendingId}/approval`, '{"token":"t","approve":true,"n":1e400}'],
    ['a result', () => `/v1/actions/${pendingId}/result`, '{"success":false,"error":-1e400}'],
  ];

  it.each(bodies)('are refused in %s with invalid_number (400)', async (_label, url, text) => {
    const res = await post(url(), text);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_number');
    expect(res.json().error.details[0].path).toMatch(/^body\./);
  });

  it('keeps -0, underflows and big integers as the double the 201 shows, and the hash verifies', async () => {
    const text =
      '{"agent_id":"a","tool":"http","operation":"get","params":{"z":-0,"tiny":1e-400,"big":9007199254740993}}';
    const res = await post('/v1/actions', text);
    expect(res.statusCode).toBe(201);
    expect(res.json().params).toEqual({ z: 0, tiny: 0, big: 9007199254740992 });
    const stored = (await get(`/v1/actions/${res.json().id}`)).json();
    expect(stored).toEqual(res.json());
    const { agent_id, tool, operation, params, context } = stored;
    const hash = createHash('sha256')
      .update(canonicalJson({ agent_id, tool, operation, params, context }))
      .digest('hex');
    expect(stored.request_hash).toBe(hash);
  });
});

describe('time query parameters', () => {
  it.each([
    '2016-12-31T23:59:60Z',
    '2016-12-31T23:59:60.5Z',
    '0000-01-01T00:00:00Z',
    '%2B275760-09-13T00:00:00Z',
    '2016-02-30T00:00:00Z',
    '2016-01-01T00:00:00%2B24:00',
    '2016-01-01t00:00:00z',
    '1700000000000',
  ])('refuses since=%s with validation_failed naming the parameter', async (value) => {
    for (const name of ['since', 'until']) {
      const res = await get(`/v1/actions?${name}=${value}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'validation_failed', details: [{ path: `querystring.${name}` }] });
    }
  });

  it('filters by a timestamp with an offset', async () => {
    const res = await get('/v1/actions?since=2000-01-01T01:00:00%2B01:00&until=9999-12-31T23:59:59.999Z');
    expect(res.statusCode).toBe(200);
    expect(res.json().total).toBeGreaterThan(0);
  });

  it.each([
    ['/v1/actions?limit=1e400', 'querystring.limit'],
    ['/v1/actions?offset=-1', 'querystring.offset'],
    [`/v1/actions/${ANY_ID}/wait?timeout_ms=1e400`, 'querystring.timeout_ms'],
    ['/v1/audit/export?after=99999999999999999999', 'querystring.after'],
    ['/v1/audit/export?after=1e400', 'querystring.after'],
  ])('refuses %s', async (url, path) => {
    const res = await get(url);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details[0].path).toBe(path);
  });

  it('refuses cursors this server did not issue', async () => {
    for (const position of [
      ['2016-12-31T23:59:60Z', 'x'],
      ['1', 'x'],
      ['2024-01-01T00:00:00.000Z', 'a\u0000'],
    ]) {
      const cursor = Buffer.from(JSON.stringify(position)).toString('base64url');
      expect((await get(`/v1/actions?cursor=${cursor}`)).json().error.code).toBe('invalid_cursor');
    }
  });
});

describe('text that cannot be stored as sent', () => {
  it.each([
    ['agent_id', '{"agent_id":"bot\\ud800","tool":"http","operation":"get"}', 'body.agent_id'],
    ['tool', '{"agent_id":"bot","tool":"http\\udc00","operation":"get"}', 'body.tool'],
    ['operation', '{"agent_id":"bot","tool":"http","operation":"\\ud800get"}', 'body.operation'],
    ['a params key', '{"agent_id":"bot","tool":"http","operation":"get","params":{"\\ud800":1}}', 'body.params.\ufffd'],
    [
      'nested context',
      '{"agent_id":"bot","tool":"http","operation":"get","context":{"a":{"b":["\\udfff"]}}}',
      'body.context.a.b.0',
    ],
    [
      'NUL in params',
      '{"agent_id":"bot","tool":"http","operation":"get","params":{"cmd":"a\\u0000b"}}',
      'body.params.cmd',
    ],
  ])('refuses a lone surrogate or NUL in %s with invalid_unicode', async (_label, text, path) => {
    const res = await post('/v1/actions', text);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_unicode', details: [{ path }] });
    const playground = await post('/playground/eval', text);
    expect(playground.json().error.code).toBe('invalid_unicode');
  });

  it('refuses bytes that are not UTF-8', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"agent_id":"b'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('","tool":"http","operation":"get"}'),
    ]);
    expect((await post('/v1/actions', bytes)).json().error.code).toBe('invalid_unicode');
  });

  it.each([
    ['agent_id', { agent_id: 'bot\u001b[31m', tool: 'http', operation: 'get' }, 'body.agent_id'],
    ['tool', { agent_id: 'bot', tool: 'http\n', operation: 'get' }, 'body.tool'],
    ['operation', { agent_id: 'bot', tool: 'http', operation: 'g\u0085et' }, 'body.operation'],
    [
      'context.agent_id',
      { tool: 'http', operation: 'get', context: { agent_id: 'py\u0007' } },
      'body.context.agent_id',
    ],
  ])('refuses control characters in %s', async (_label, body, path) => {
    const res = await post('/v1/actions', JSON.stringify(body));
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'validation_failed', details: [{ path }] });
  });

  it.each([
    ['/v1/actions?q=%ED%A0%80', 'querystring.q'],
    ['/v1/actions?agent_id=%FF', 'querystring.agent_id'],
    ['/v1/actions?q=a%00b', 'querystring.q'],
    ['/v1/events?tool=%C0%80', 'querystring.tool'],
  ])('refuses %s with invalid_unicode', async (url, path) => {
    const res = await get(url);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_unicode', details: [{ path }] });
  });

  it('keeps a literal % in a query', async () => {
    expect((await get('/v1/actions?q=100%')).statusCode).toBe(200);
  });

  it('stores surrogate pairs exactly and lets the action be approved', async () => {
    const text =
      '{"agent_id":"bot-\\ud83e\\udd16","tool":"shell","operation":"run","params":{"cmd":"echo \\ud83d\\ude00"}}';
    const created = await post('/v1/actions', text);
    expect(created.statusCode).toBe(201);
    const action = created.json();
    expect(action.agent_id).toBe('bot-🤖');
    expect((await get(`/v1/actions/${action.id}`)).json()).toEqual(action);
    const approval = await post(
      `/v1/actions/${action.id}/approval`,
      JSON.stringify({ token: action.approval_token, approve: true }),
    );
    expect(approval.json().status).toBe('approved');
  });
});

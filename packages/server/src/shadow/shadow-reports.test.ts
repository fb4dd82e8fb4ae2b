import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, createPostgresStore, createSqliteStore, type Store } from '@faramesh/store';
import { afterEach, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../../../store/src/postgres/postgres-cluster.test-support.js';
import {
  ADMIN,
  as,
  CANDIDATE,
  closeServers,
  get,
  type Server,
  setShadow,
  start,
  submit,
} from './shadow-server.test-support.js';

afterEach(closeServers);

/** A clock that moves only when told, so that periods start and end exactly between submissions. */
function manualClock() {
  let at = Date.parse('2030-03-01T12:00:00.000Z');
  return {
    now: () => new Date(at),
    advance: (ms: number) => {
      at += ms;
    },
  };
}

const SECOND = 1000;
const HOUR = 3_600_000;

type Clock = ReturnType<typeof manualClock>;

/** The report a second later (`until` is exclusive: a submission made this very instant isn't in it yet). */
async function report(server: Server, clock: Clock, query: string) {
  clock.advance(SECOND);
  return (await get(server, `/v1/policy/shadow/report?${query}`)).json();
}
const clear = (server: Server) => server.app.inject({ method: 'DELETE', url: '/v1/policy/shadow', headers: as(ADMIN) });

/** Two disagreeing submissions (allow → require_approval, require_approval → deny) and one agreeing. */
async function submitMix(server: Server) {
  await submit(server, 'http', 'get');
  await submit(server, 'shell', 'run', { cmd: 'ls' });
  await submit(server, 'stripe', 'refund', { amount: 5 });
}

/** The report's counting period on every backend; `open` gives a fresh, empty store. */
function periodCases(open: () => Promise<Store>): void {
  it('counts a shadow policy set again after a clear from then on, never more disagreements than submissions', async () => {
    const clock = manualClock();
    const server = await start(await open(), {}, clock.now);
    await setShadow(server);
    clock.advance(SECOND);
    await submitMix(server);
    await submitMix(server);
    clock.advance(SECOND);
    await clear(server);
    await submitMix(server); // evaluated by no shadow policy: counted in neither period
    clock.advance(SECOND);
    const again = (await setShadow(server)).json();
    clock.advance(SECOND);
    await submitMix(server);

    expect(await report(server, clock, 'since=1h')).toMatchObject({
      since: again.set_at,
      submissions: 3,
      disagreements: 2,
    });
    // The report recorded with the promotion counts the same period.
    const promoted = await server.app.inject({
      method: 'POST',
      url: '/v1/policy/shadow/promote',
      headers: as(ADMIN),
      payload: { expected_hash: again.hash, since: '1h' },
    });
    expect(promoted.json().report).toMatchObject({ since: again.set_at, submissions: 3, disagreements: 2 });
    const recorded = (await get(server, `/v1/actions/${promoted.json().action_id}`)).json();
    expect(recorded.params.report).toMatchObject({ since: again.set_at, submissions: 3, disagreements: 2 });
  });

  it('keeps counting a shadow policy set again while it is set from when it was first set', async () => {
    const clock = manualClock();
    const server = await start(await open(), {}, clock.now);
    const first = (await setShadow(server)).json();
    clock.advance(SECOND);
    await submitMix(server);
    clock.advance(SECOND);
    const again = (await setShadow(server)).json();
    expect(again).toMatchObject({ hash: first.hash, set_at: first.set_at, set_by: first.set_by });
    clock.advance(SECOND);
    await submitMix(server);
    expect(await report(server, clock, 'since=1h')).toMatchObject({
      since: first.set_at,
      submissions: 6,
      disagreements: 4,
    });
  });

  it('counts both from `since` when the shadow policy was set before it, and another one over the whole window', async () => {
    const clock = manualClock();
    const server = await start(await open(), {}, clock.now);
    const first = (await setShadow(server)).json();
    clock.advance(SECOND);
    await submitMix(server);
    clock.advance(2 * HOUR);
    await submitMix(server);
    const windowStart = new Date(clock.now().getTime() + SECOND - HOUR).toISOString();
    expect(await report(server, clock, 'since=1h')).toMatchObject({
      since: windowStart,
      submissions: 3,
      disagreements: 2,
    });
    expect(await report(server, clock, 'since=24h')).toMatchObject({
      since: first.set_at,
      submissions: 6,
      disagreements: 4,
    });

    // Another candidate now: the first one's period is no longer known, so its report counts every
    // submission in the window (more than it evaluated, never fewer).
    clock.advance(SECOND);
    await setShadow(server, CANDIDATE.replace('version: candidate', 'version: other'));
    clock.advance(SECOND);
    await submitMix(server);
    const older = await report(server, clock, `since=24h&policy_hash=${first.hash}`);
    const dayAgo = new Date(clock.now().getTime() - 24 * HOUR).toISOString();
    expect(older).toMatchObject({ since: dayAgo, submissions: 9, disagreements: 4 });
  });
}

describe('shadow report period (memory)', () => {
  periodCases(async () => createMemoryStore());

  it.each([
    ['tomorrow', 'must be a duration'],
    ['2030-02-30T00:00:00Z', 'must be a duration'],
    ['2030-03-01T24:00:00Z', 'must be a duration'],
    ['2030-03-02T00:00:00Z', 'must not be in the future'],
    ['91d', 'at most 90 days'],
  ])('refuses since=%s as querystring.since (report) and body.since (promotion)', async (since, problem) => {
    const clock = manualClock();
    const server = await start(createMemoryStore(), {}, clock.now);
    await setShadow(server);
    const res = await get(server, `/v1/policy/shadow/report?since=${encodeURIComponent(since)}`);
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error).toMatchObject({
      code: 'validation_failed',
      message: expect.stringMatching(/^invalid querystring: querystring\.since: /),
      details: [{ path: 'querystring.since', message: expect.stringContaining(problem) }],
    });
    const promote = await server.app.inject({
      method: 'POST',
      url: '/v1/policy/shadow/promote',
      headers: as(ADMIN),
      payload: { since },
    });
    expect(promote.statusCode).toBe(400);
    expect(promote.json().error.details).toEqual([{ path: 'body.since', message: expect.stringContaining(problem) }]);
    expect((await get(server, '/v1/policy/shadow')).json().active).toBe(true);
  });

  it('takes since as a timestamp with an offset, like every other query', async () => {
    const clock = manualClock();
    const server = await start(createMemoryStore(), {}, clock.now);
    await setShadow(server);
    clock.advance(2 * HOUR);
    expect(await report(server, clock, `since=${encodeURIComponent('2030-03-01T14:30:00+01:00')}`)).toMatchObject({
      since: '2030-03-01T13:30:00.000Z',
    });
  });

  it('says which bodies setting a shadow policy takes when given another Content-Type', async () => {
    const server = await start(createMemoryStore());
    for (const type of ['text/csv', 'application/x-www-form-urlencoded', 'not a media type']) {
      const res = await server.app.inject({
        method: 'POST',
        url: '/v1/policy/shadow',
        headers: { ...as(ADMIN), 'content-type': type },
        payload: CANDIDATE,
      });
      expect(res.statusCode).toBe(415);
      expect(res.json().error.code).toBe('unsupported_media_type');
      expect(res.json().error.message).toContain('application/json');
      expect(res.json().error.message).toContain('application/yaml');
    }
    expect((await get(server, '/v1/policy/shadow')).json().active).toBe(false);
  });
});

let sqliteFiles = 0;
describe('shadow report period (SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-shadow-period-'));
  periodCases(async () => createSqliteStore({ path: join(dir, `period-${sqliteFiles++}.db`) }));

  it('counts a FARAMESH_SHADOW_POLICY file from when this server loaded it, after a restart too', async () => {
    const clock = manualClock();
    const shadowFile = join(dir, 'candidate.yaml');
    writeFileSync(shadowFile, CANDIDATE);
    const path = join(dir, `period-${sqliteFiles++}.db`);
    const env = { FARAMESH_SHADOW_POLICY: shadowFile };
    const before = await start(createSqliteStore({ path }), env, clock.now);
    clock.advance(SECOND);
    await submitMix(before);
    await submitMix(before);
    await before.close();
    clock.advance(SECOND);
    const after = await start(createSqliteStore({ path }), env, clock.now);
    const status = (await get(after, '/v1/policy/shadow')).json();
    expect(status.set_at).toBe(clock.now().toISOString());
    clock.advance(SECOND);
    await submitMix(after);
    expect(await report(after, clock, 'since=24h')).toMatchObject({
      since: status.set_at,
      submissions: 3,
      disagreements: 2,
    });
    // A reload of the unchanged file goes on counting; the period is this load's.
    clock.advance(SECOND);
    await after.app.inject({ method: 'POST', url: '/v1/policy/reload', headers: as(ADMIN) });
    await submitMix(after);
    expect(await report(after, clock, 'since=24h')).toMatchObject({
      since: status.set_at,
      submissions: 6,
      disagreements: 4,
    });
  });
});

describeWithPostgres('shadow report period (PostgreSQL)', (cluster) => {
  let databases = 0;
  periodCases(async () => createPostgresStore({ dsn: await (await cluster()).createDatabase(`period${databases++}`) }));

  it('follows a shadow policy cleared and set again on another replica to its new period', async () => {
    const dsn = await (await cluster()).createDatabase('periodreplicas');
    const a = await start(createPostgresStore({ dsn }));
    const b = await start(createPostgresStore({ dsn }));
    const setAt = async (server: Server) => (await get(server, '/v1/policy/shadow')).json().set_at;
    const first = (await setShadow(a)).json();
    await until(async () => (await setAt(b)) === first.set_at);
    // Both within one of b's polls (every 2 s): b sees the same hash, but a new period.
    await clear(a);
    const again = (await setShadow(a)).json();
    expect(again.set_at).not.toBe(first.set_at);
    await until(async () => (await setAt(b)) === again.set_at);
  });
});

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

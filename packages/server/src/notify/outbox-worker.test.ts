import { mkdtempSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, createPostgresStore, createSqliteStore, type Store } from '@faramesh/store';
import { afterEach, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../../../store/src/postgres/postgres-cluster.test-support.js';
import { Metrics } from '../metrics/metrics.js';
import { DEFAULT_DELIVERY, type DeliverySettings } from './channels-config.js';
import { OutboxWorker } from './outbox-worker.js';
import { WebhookChannel } from './webhook-channel.js';
import { eventually, newSecret, startReceiver } from './webhook-receiver.test-support.js';
import { webhookKey } from './webhook-signature.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const SILENT = { info() {}, warn() {}, error() {} };

function worker(
  store: Store,
  url: string,
  owner: string,
  settings: Partial<DeliverySettings> = {},
  timeoutMs = 2000,
  closeGraceMs?: number,
) {
  const channel = new WebhookChannel({
    name: 'ops',
    url: new URL(url),
    events: ['*'],
    keys: [webhookKey(newSecret())],
    timeoutMs,
  });
  const w = new OutboxWorker({
    outbox: store.outbox!,
    channels: new Map([['ops', channel]]),
    settings: { ...DEFAULT_DELIVERY, pollMs: 10, concurrency: 4, ...settings },
    owner,
    metrics: new Metrics(),
    log: SILENT,
    now: () => new Date(),
    ...(closeGraceMs !== undefined && { closeGraceMs }),
  });
  cleanups.push(() => w.close());
  return w;
}

/** Two stores (two connections, as two replicas would have) on one database. */
async function twoReplicas(open: () => Store = sqliteFile()): Promise<[Store, Store]> {
  const a = open();
  await a.migrate();
  const b = open();
  cleanups.push(async () => {
    await a.close();
    await b.close();
  });
  return [a, b];
}

function sqliteFile(): () => Store {
  const path = join(mkdtempSync(join(tmpdir(), 'faramesh-outbox-')), 'actions.db');
  return () => createSqliteStore({ path });
}

const messages = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    id: `msg_${i}_${Math.random().toString(36).slice(2)}`,
    channel: 'ops',
    event_type: 'test',
    action_id: null,
    payload: { type: 'faramesh.test', n: i },
  }));

/** The lease tests, on two stores of one database made by `open`. */
function describeReplicas(name: string, open: () => Promise<() => Store>): void {
  it(`with two replicas on one ${name} database, delivers each message exactly once`, async () => {
    const receiver = await startReceiver([]);
    cleanups.push(() => receiver.close());
    const [a, b] = await twoReplicas(await open());
    await a.outbox!.add(messages(60), new Date().toISOString());
    worker(a, receiver.url, 'replica-a').start();
    worker(b, receiver.url, 'replica-b').start();
    await eventually(() => receiver.delivered().size === 60);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(60);
    expect([...receiver.delivered().values()].every((count) => count === 1)).toBe(true);
    expect(await a.outbox!.list({ status: 'delivered', limit: 100 })).toHaveLength(60);
  });

  it(`leaves a message whose replica died mid-delivery to another once the lease expires (${name})`, async () => {
    let hang = true;
    const receiver = await startReceiver([], () => (hang ? 'hang' : 200));
    cleanups.push(() => receiver.close());
    const [a, b] = await twoReplicas(await open());
    const [m] = messages(1);
    await a.outbox!.add([m!], new Date().toISOString());
    const dying = worker(a, receiver.url, 'replica-a', { leaseMs: 1000 }, 30_000, 0);
    dying.start();
    await eventually(() => receiver.received.length === 1);
    // The replica stops mid-delivery, with no grace, without recording anything (as kill -9 would).
    await dying.close();
    expect(await a.outbox!.get(m!.id)).toMatchObject({ status: 'queued', lease_owner: 'replica-a' });
    hang = false;
    const started = Date.now();
    worker(b, receiver.url, 'replica-b', { leaseMs: 1000 }).start();
    await eventually(async () => (await b.outbox!.get(m!.id))?.status === 'delivered');
    expect(Date.now() - started).toBeGreaterThan(500);
    expect(receiver.received.map((r) => r.id)).toEqual([m!.id, m!.id]);
    expect(await b.outbox!.get(m!.id)).toMatchObject({ attempts: 2, lease_owner: null });
  });
}

describe('outbox worker replicas (SQLite)', () => {
  describeReplicas('SQLite file', async () => sqliteFile());
});

describeWithPostgres('outbox worker replicas (PostgreSQL)', (cluster) => {
  describeReplicas('PostgreSQL', async () => {
    const dsn = await (await cluster()).createDatabase();
    return () => createPostgresStore({ dsn });
  });
});

describe('outbox worker batches', () => {
  it('claims many messages per write and records their outcomes together, each delivered once', async () => {
    const receiver = await startReceiver([]);
    cleanups.push(() => receiver.close());
    const [store] = await twoReplicas();
    const outbox = store.outbox!;
    const writes = { claims: 0, settles: 0, outcomes: 0 };
    const counted = {
      ...outbox,
      claim: (input: Parameters<typeof outbox.claim>[0]) => {
        writes.claims += 1;
        return outbox.claim(input);
      },
      settle: (owner: string, outcomes: Parameters<typeof outbox.settle>[1]) => {
        writes.settles += 1;
        writes.outcomes += outcomes.length;
        return outbox.settle(owner, outcomes);
      },
    };
    await outbox.add(messages(200), new Date().toISOString());
    worker({ ...store, outbox: counted } as Store, receiver.url, 'solo').start();
    await eventually(async () => (await outbox.list({ status: 'delivered', limit: 300 })).length === 200);
    expect(receiver.received).toHaveLength(200);
    expect(writes.outcomes).toBe(200);
    // 200 messages, claimed at most CLAIM_COUNT at a time and recorded many per write.
    expect(writes.settles, JSON.stringify(writes)).toBeLessThan(50);
  });

  it('lets a delivery under way finish when it stops, and records it delivered', async () => {
    // A receiver that answers each POST after 300 ms.
    let received = 0;
    const slow = createHttpServer((req, res) => {
      received += 1;
      req.resume();
      req.on('end', () => setTimeout(() => res.writeHead(200).end('ok'), 300));
    });
    await new Promise<void>((done) => slow.listen(0, '127.0.0.1', done));
    cleanups.push(() => new Promise((done) => slow.close(() => done())));
    const { port } = slow.address() as AddressInfo;
    const [store] = await twoReplicas();
    const [m] = messages(1);
    await store.outbox!.add([m!], new Date().toISOString());
    const w = worker(store, `http://127.0.0.1:${port}/hook`, 'stopping');
    w.start();
    await eventually(() => received === 1);
    await w.close();
    expect(await store.outbox!.get(m!.id)).toMatchObject({ status: 'delivered', lease_owner: null, attempts: 1 });
  });

  it('gives claimed messages it has not started back when it stops, with their attempt', async () => {
    const receiver = await startReceiver([], () => 'hang');
    cleanups.push(() => receiver.close());
    const [store] = await twoReplicas();
    await store.outbox!.add(messages(10), new Date().toISOString());
    const w = worker(store, receiver.url, 'stopping', { concurrency: 2 }, 30_000);
    w.start();
    await eventually(() => receiver.received.length === 2);
    await w.close();
    const rows = await store.outbox!.list({ limit: 20 });
    // The two interrupted mid-delivery keep their lease (it expires); the eight others are free at once.
    expect(rows.filter((m) => m.lease_owner === 'stopping')).toHaveLength(2);
    expect(rows.filter((m) => m.lease_owner === null && m.attempts === 0 && m.status === 'queued')).toHaveLength(8);
  });
});

describe('outbox worker, messages its own process wrote', () => {
  /** The store's outbox with its claims counted (messages claimed, not calls: an idle poll claims none). */
  function countingClaims(store: Store) {
    const outbox = store.outbox!;
    const counts = { claimed: 0 };
    const counted = {
      ...outbox,
      claim: async (input: Parameters<typeof outbox.claim>[0]) => {
        const got = await outbox.claim(input);
        counts.claimed += got.length;
        return got;
      },
    };
    return { store: { ...store, outbox: counted } as Store, counts };
  }

  /** Messages written as an event's write writes them: leased to `w` when it gives a lease. */
  async function written(store: Store, w: OutboxWorker, n: number, padding = '') {
    const at = new Date().toISOString();
    const lease = w.leaseFrom(at);
    const batch = messages(n).map((m) => {
      const payload = padding === '' ? m.payload : { ...m.payload, padding };
      return { ...m, payload, payload_json: JSON.stringify(payload), ...(lease && { lease }) };
    });
    await store.outbox!.add(batch, at);
    return { batch, at };
  }

  /** A started worker given `n` messages written leased to it, as the server hands them over after a commit. */
  async function adopting(n: number, padding = '') {
    const receiver = await startReceiver([]);
    cleanups.push(() => receiver.close());
    const [plain] = await twoReplicas();
    const { store, counts } = countingClaims(plain);
    const w = worker(store, receiver.url, 'writer');
    w.start();
    const { batch, at } = await written(store, w, n, padding);
    w.adopt(batch, at);
    return { receiver, plain, counts, batch, worker: w };
  }

  it('leases the writes of one instant until one expiry, and follows a new lease time', async () => {
    const [store] = await twoReplicas();
    const w = worker(store, 'http://127.0.0.1:9/', 'writer', { leaseMs: 1000 });
    const at = '2031-01-01T00:00:00.000Z';
    const first = w.leaseFrom(at);
    expect(first).toEqual({ owner: 'writer', expires_at: '2031-01-01T00:00:01.000Z' });
    expect(w.leaseFrom(at)).toEqual(first);
    expect(w.leaseFrom('2031-01-01T00:00:00.001Z')).toEqual({
      owner: 'writer',
      expires_at: '2031-01-01T00:00:01.001Z',
    });
    w.use(new Map(), { ...DEFAULT_DELIVERY, leaseMs: 5000 });
    expect(w.leaseFrom(at)).toEqual({ owner: 'writer', expires_at: '2031-01-01T00:00:05.000Z' });
  });

  it('delivers the messages written leased to it from memory, without claiming them', async () => {
    const { receiver, plain, counts, batch } = await adopting(20);
    expect(batch.every((m) => m.lease?.owner === 'writer')).toBe(true);
    await eventually(async () => (await plain.outbox!.list({ status: 'delivered', limit: 50 })).length === 20);
    expect(counts.claimed).toBe(0);
    expect(receiver.received.map((r) => r.id).sort()).toEqual(batch.map((m) => m.id).sort());
    // Sent as written: the stored text is the body.
    expect(receiver.received.every((r) => batch.some((m) => m.payload_json === r.body))).toBe(true);
    expect((await plain.outbox!.list({ limit: 50 })).every((m) => m.attempts === 1)).toBe(true);
  });

  it('holds no more than a claim would: the rest are released at once and claimed in due order', async () => {
    const { receiver, plain, counts, worker: w } = await adopting(150);
    // Full: what is written now is left for a claim rather than leased and released again.
    expect(w.leaseFrom(new Date().toISOString())).toBeUndefined();
    // What waits in memory is reported (faramesh_bounded_bytes{structure="outbox_waiting"}).
    expect(w.heldBytes).toBeGreaterThan(0);
    await eventually(async () => (await plain.outbox!.list({ status: 'delivered', limit: 200 })).length === 150);
    // CLAIM_COUNT (128) held from memory; the 22 released were claimed (their attempt given back, then counted again).
    expect(counts.claimed).toBe(22);
    expect(receiver.delivered().size).toBe(150);
    expect([...receiver.delivered().values()].every((count) => count === 1)).toBe(true);
    expect((await plain.outbox!.list({ limit: 200 })).every((m) => m.attempts === 1)).toBe(true);
    await eventually(() => w.leaseFrom(new Date().toISOString()) !== undefined);
    expect(w.heldBytes).toBe(0);
  });

  it('holds no more payload text than a claim would: past 4 Mi characters the rest are released', async () => {
    // Ten messages of ~1 Mi characters each: four fit in CLAIM_BYTES (4 Mi), the other six are
    // released and claimed (a claim takes at least one message whatever its size).
    const { receiver, plain, counts } = await adopting(10, 'x'.repeat(1024 * 1024 - 100));
    await eventually(async () => (await plain.outbox!.list({ status: 'delivered', limit: 20 })).length === 10);
    expect(counts.claimed).toBe(6);
    expect(receiver.delivered().size).toBe(10);
    expect([...receiver.delivered().values()].every((count) => count === 1)).toBe(true);
  });

  it('records the outcomes of messages written one at a time together, not a write each', async () => {
    // A sparse stream (a message per call that waits for approval): one message every 2 ms, each
    // delivered before the next is written. Recorded one by one, each would be a commit of its own.
    const receiver = await startReceiver([]);
    cleanups.push(() => receiver.close());
    const [plain] = await twoReplicas();
    const outbox = plain.outbox!;
    let settles = 0;
    const counted = {
      ...outbox,
      settle: (owner: string, outcomes: Parameters<typeof outbox.settle>[1]) => {
        settles += 1;
        return outbox.settle(owner, outcomes);
      },
    };
    const store = { ...plain, outbox: counted } as Store;
    const w = worker(store, receiver.url, 'writer', { concurrency: 16 });
    w.start();
    const ids: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const { batch, at } = await written(store, w, 1);
      ids.push(...batch.map((m) => m.id));
      w.adopt(batch, at);
      await new Promise((done) => setTimeout(done, 2));
    }
    await eventually(async () => (await outbox.list({ status: 'delivered', limit: 50 })).length === 40);
    expect(receiver.received.map((r) => r.id).sort()).toEqual(ids.sort());
    // 40 outcomes over at least 80 ms: a few writes, not one each.
    expect(settles).toBeLessThanOrEqual(12);
  });

  it('takes nothing once stopped: the leases expire and another worker claims the messages', async () => {
    const receiver = await startReceiver([]);
    cleanups.push(() => receiver.close());
    const [a, b] = await twoReplicas();
    const stopping = worker(a, receiver.url, 'replica-a', { leaseMs: 1000 });
    stopping.start();
    const { batch, at } = await written(a, stopping, 3);
    await stopping.close();
    expect(stopping.leaseFrom(at)).toBeUndefined();
    stopping.adopt(batch, at);
    worker(b, receiver.url, 'replica-b', { leaseMs: 1000 }).start();
    await eventually(async () => (await b.outbox!.list({ status: 'delivered', limit: 10 })).length === 3);
    expect(receiver.delivered().size).toBe(3);
    expect((await b.outbox!.list({ limit: 10 })).every((m) => m.attempts === 2)).toBe(true);
  });
});

describe('outbox worker', () => {
  it('backs off exponentially with full jitter, capped', () => {
    const backoff = (random: number) =>
      new OutboxWorker({
        outbox: createMemoryStore().outbox!,
        channels: new Map(),
        settings: { ...DEFAULT_DELIVERY, backoffBaseMs: 100, backoffMaxMs: 1000 },
        owner: 'x',
        metrics: new Metrics(),
        log: SILENT,
        now: () => new Date(),
        random: () => random,
      });
    expect([1, 2, 3, 4, 5, 9].map((n) => backoff(0.999999).backoffMs(n))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoff(0).backoffMs(5)).toBe(0);
  });
});

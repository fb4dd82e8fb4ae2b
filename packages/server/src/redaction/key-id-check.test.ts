import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMemoryStore,
  createPostgresStore,
  createSqliteStore,
  type SettingsStore,
  type Store,
} from '@faramesh/store';
import { afterEach, describe, expect, it } from 'vitest';
import { describeWithPostgres } from '../../../store/src/postgres/postgres-cluster.test-support.js';
import { startTestServer } from '../testing/test-server.js';
import { KEY_ID_SETTING } from './key-id-verdict.js';
import { RedactionKey } from './redaction-key.js';

const KEY_A = 'a'.repeat(40);
const KEY_B = 'b'.repeat(40);
const ID_A = new RedactionKey(KEY_A).id;
const ID_B = new RedactionKey(KEY_B).id;

type Server = Awaited<ReturnType<typeof startTestServer>>;

/**
 * Wraps stores so that the first read of each of two starts returns only once both have read: both
 * see no id recorded, and only the compare-and-set can keep them from both recording theirs.
 */
function readingTogether(): (store: Store) => Store {
  let reads = 0;
  let release = () => {};
  const together = new Promise<void>((resolve) => {
    release = resolve;
  });
  return (store) => {
    let first = true;
    const settings: SettingsStore = {
      async get(name) {
        const found = await store.settings.get(name);
        if (first) {
          first = false;
          if (++reads === 2) release();
          await together;
        }
        return found;
      },
      compareAndSet: (write) => store.settings.compareAndSet(write),
    };
    return new Proxy(store, { get: (target, name) => (name === 'settings' ? settings : Reflect.get(target, name)) });
  };
}

/**
 * Replicas on one database and restarts must digest with one key: the same behaviour on each
 * backend. `database()` names a fresh database; `connect` opens another store on it (a replica).
 */
function describeKeyIdAtStart(backend: string, database: () => Promise<() => Store>): void {
  describe(`the redaction key id at start (${backend})`, () => {
    const running: Server[] = [];
    const opened: Store[] = [];
    afterEach(async () => {
      for (const server of running.splice(0)) await server.close();
      for (const store of opened.splice(0)) await store.close().catch(() => {});
    });
    const serve = async (connect: () => Store, env: Record<string, string>) => {
      const server = await startTestServer({ store: connect(), env });
      running.push(server);
      return server;
    };
    const recorded = async (connect: () => Store) => {
      const store = connect();
      opened.push(store);
      await store.migrate();
      return (await store.settings.get(KEY_ID_SETTING))?.value ?? null;
    };

    it('records the first key id, starts again with the same key, and refuses another naming both ids', async () => {
      const connect = await database();
      await serve(connect, { FARAMESH_REDACTION_KEY: KEY_A });
      expect(await recorded(connect)).toBe(ID_A);
      await serve(connect, { FARAMESH_REDACTION_KEY: KEY_A });
      const refused = serve(connect, { FARAMESH_REDACTION_KEY: KEY_B });
      await expect(refused).rejects.toMatchObject({ code: 'config_invalid' });
      const message = ((await refused.catch((error: unknown) => error)) as Error).message;
      expect(message).toBe(
        `FARAMESH_REDACTION_KEY is not this database's redaction key: this server's key id is ${ID_B}, the database records ${ID_A} (the key its redacted values are digested with). Give every replica the same key (compared byte for byte: case and spaces count); to change it on purpose, start once with FARAMESH_REDACTION_KEY_ROTATE=${ID_A} (values redacted before keep their digests under the old key)`,
      );
      expect(message).not.toContain(KEY_A);
      expect(message).not.toContain(KEY_B);
      expect(await recorded(connect)).toBe(ID_A);
    });

    it('records the new key id when the rotation names the recorded one, and then refuses the old key', async () => {
      const connect = await database();
      await serve(connect, { FARAMESH_REDACTION_KEY: KEY_A });
      await expect(
        serve(connect, { FARAMESH_REDACTION_KEY: KEY_B, FARAMESH_REDACTION_KEY_ROTATE: ID_B }),
      ).rejects.toThrow(`FARAMESH_REDACTION_KEY_ROTATE=${ID_B} is not the redaction key id the database records`);
      await serve(connect, { FARAMESH_REDACTION_KEY: KEY_B, FARAMESH_REDACTION_KEY_ROTATE: ID_A.toUpperCase() });
      expect(await recorded(connect)).toBe(ID_B);
      // Left set on a replica with the new key it does nothing more; the old key is refused.
      await serve(connect, { FARAMESH_REDACTION_KEY: KEY_B, FARAMESH_REDACTION_KEY_ROTATE: ID_A });
      await expect(
        serve(connect, { FARAMESH_REDACTION_KEY: KEY_A, FARAMESH_REDACTION_KEY_ROTATE: ID_A }),
      ).rejects.toThrow(`the redaction key id the database records (${ID_B};`);
      await expect(serve(connect, { FARAMESH_REDACTION_KEY: KEY_A })).rejects.toThrow(`the database records ${ID_B}`);
    });

    /** Two servers on one fresh database with these keys, both reading before either writes. */
    const startTogether = async (keys: [string, string]) => {
      const connect = await database();
      const together = readingTogether();
      const results = await Promise.allSettled(
        keys.map((key) => serve(() => together(connect()), { FARAMESH_REDACTION_KEY: key })),
      );
      return { results, keyId: await recorded(connect) };
    };

    it('lets only one of two servers starting at once with different keys start (compare-and-set)', async () => {
      const { results, keyId } = await startTogether([KEY_A, KEY_B]);
      expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
      const winner = results[0]?.status === 'fulfilled' ? ID_A : ID_B;
      expect(keyId).toBe(winner);
      const refused = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
      expect((refused.reason as Error).message).toContain(`the database records ${winner}`);
    });

    it('lets two servers starting at once with the same key both start (the loser reads the same id)', async () => {
      const { results, keyId } = await startTogether([KEY_A, KEY_A]);
      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(keyId).toBe(ID_A);
    });

    it('starts without a key on a database that records one (nothing is digested), and records nothing itself', async () => {
      const connect = await database();
      await serve(connect, {});
      expect(await recorded(connect)).toBeNull();
      await serve(connect, { FARAMESH_REDACTION_KEY: KEY_A });
      await serve(connect, { FARAMESH_REDACTION_KEY: '' });
      expect(await recorded(connect)).toBe(ID_A);
    });

    it('refuses a recorded id that is not a key id without printing it', async () => {
      const connect = await database();
      await serve(connect, { FARAMESH_REDACTION_KEY: KEY_A });
      const store = connect();
      opened.push(store);
      const tampered = '\u001b[2Jnot-an-id\nsecond line';
      expect(
        await store.settings.compareAndSet({ name: KEY_ID_SETTING, expected: ID_A, value: tampered, at: 'now' }),
      ).toBe(true);
      const refused = await serve(connect, { FARAMESH_REDACTION_KEY: KEY_A }).catch((error: unknown) => error as Error);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toMatch(/redaction_key_id setting is not a key id .* this server's key id is/);
      expect((refused as Error).message).not.toContain('not-an-id');
      expect((refused as Error).message.split('\n')).toHaveLength(1);
    });
  });
}

describeKeyIdAtStart('memory', async () => {
  // One store shared by every "replica": the memory store's close only marks it closed.
  const shared = createMemoryStore();
  return () =>
    new Proxy(shared, { get: (target, name) => (name === 'close' ? async () => {} : Reflect.get(target, name)) });
});

describeKeyIdAtStart('sqlite', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'faramesh-key-id-')), 'actions.db');
  return () => createSqliteStore({ path });
});

describeWithPostgres('the redaction key id at start on postgres', (cluster) => {
  describeKeyIdAtStart('postgres', async () => {
    const dsn = await (await cluster()).createDatabase();
    return () => createPostgresStore({ dsn });
  });
});

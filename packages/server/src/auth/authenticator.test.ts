import { createMemoryStore } from '@faramesh/store';
import { describe, expect, it, vi } from 'vitest';
import { Authenticator } from './authenticator.js';
import { DatabaseTokenSource, NO_TOKENS_RECHECK_MS } from './database-tokens.js';
import { EnvTokenSource } from './env-tokens.js';
import { TokenAdmin } from './token-admin.js';
import { TokenUseRecorder } from './token-use-recorder.js';

const specs = [
  { name: 'ann', role: 'approver' as const, token: 'approver-token-1' },
  { name: 'bot', role: 'agent' as const, token: 'agent-token-22' },
];
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

function withDatabase(envSpecs = specs) {
  const store = createMemoryStore();
  const now = () => new Date('2030-01-01T00:00:00.000Z');
  const env = new EnvTokenSource(envSpecs);
  const database = new DatabaseTokenSource(store.tokens, now, new TokenUseRecorder(store.tokens));
  const auth = new Authenticator([env, database]);
  let id = 0;
  const admin = new TokenAdmin({
    tokens: store.tokens,
    reservedNames: env.names,
    now,
    newId: () => `id-${++id}`,
    onCreated: () => database.tokenCreated(),
  });
  return { auth, admin, store, now };
}

describe('Authenticator', () => {
  it('is open with no tokens anywhere and treats everyone as admin', async () => {
    const auth = new Authenticator([new EnvTokenSource([])]);
    expect(await auth.openMode()).toBe(true);
    expect(await auth.authenticate({})).toEqual({
      name: 'anonymous',
      role: 'admin',
      groups: [],
      openMode: true,
      agentIds: ['*'],
      shared: true,
      source: 'open',
    });
  });

  it('returns the role and name of a matching environment bearer token', async () => {
    const auth = new Authenticator([new EnvTokenSource(specs)]);
    expect(await auth.authenticate(bearer('agent-token-22'))).toEqual({
      name: 'bot',
      role: 'agent',
      groups: [],
      openMode: false,
      agentIds: ['bot', 'bot/*'],
      source: 'env',
    });
    expect((await auth.authenticate({ authorization: 'bearer approver-token-1' }))?.name).toBe('ann');
  });

  it('gives each principal its groups and agent-id binding: admins any agent id, approvers none', async () => {
    const auth = new Authenticator([
      new EnvTokenSource([
        ...specs,
        { name: 'etl', role: 'agent', token: 'etl-token-333', agentIds: ['etl-*'], groups: ['data'] },
        { name: 'root', role: 'admin', token: 'admin-token-44', groups: ['ops'] },
      ]),
    ]);
    expect(await auth.authenticate(bearer('etl-token-333'))).toMatchObject({ agentIds: ['etl-*'], groups: ['data'] });
    expect(await auth.authenticate(bearer('admin-token-44'))).toMatchObject({ agentIds: ['*'], groups: ['ops'] });
    expect(await auth.authenticate(bearer('approver-token-1'))).toMatchObject({ agentIds: [], groups: [] });
  });

  it('rejects missing, malformed, prefix and wrong tokens', async () => {
    const auth = new Authenticator([new EnvTokenSource(specs)]);
    for (const header of [undefined, '', 'Bearer', 'Basic agent-token-22', 'Bearer agent-token-2', 'Bearer x y']) {
      expect(await auth.authenticate(header === undefined ? {} : { authorization: header })).toBeNull();
    }
  });

  it('authenticates a database token beside the environment ones, as its name, with its groups and id', async () => {
    const { auth, admin } = withDatabase();
    const created = await admin.create({ name: 'alice', role: 'approver', groups: ['finance'] }, 'root');
    expect(await auth.authenticate(bearer(created.secret))).toEqual({
      name: 'alice',
      role: 'approver',
      groups: ['finance'],
      openMode: false,
      agentIds: [],
      source: 'database',
      token: { id: created.id, expiresAt: null },
    });
    expect((await auth.authenticate(bearer('agent-token-22')))?.name).toBe('bot');
  });

  it('ends open mode within NO_TOKENS_RECHECK_MS when another process creates the first token', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const { auth, store, now } = withDatabase([]);
      expect(await auth.openMode()).toBe(true);
      // As another replica (or `faramesh token create --local`) would: straight into the shared database.
      await store.tokens.create({
        id: 'elsewhere',
        name: 'root',
        role: 'admin',
        groups: [],
        agent_ids: null,
        secret_hash: 'ab'.repeat(32),
        prefix: 'fm_x',
        created_at: now().toISOString(),
        created_by: 'cli',
        expires_at: null,
      });
      // The "no tokens" answer stands for at most NO_TOKENS_RECHECK_MS (one count per second, not per request).
      expect(await auth.openMode()).toBe(true);
      vi.advanceTimersByTime(NO_TOKENS_RECHECK_MS);
      expect(await auth.openMode()).toBe(false);
      expect(await auth.authenticate({})).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('leaves open mode for good once a database token exists, even after it is revoked', async () => {
    const { auth, admin } = withDatabase([]);
    expect(await auth.openMode()).toBe(true);
    const created = await admin.create({ name: 'root', role: 'admin' }, 'anonymous');
    expect(await auth.openMode()).toBe(false);
    expect(await auth.authenticate({})).toBeNull();
    await admin.revoke('root', 'root');
    expect(await auth.openMode()).toBe(false);
    await expect(auth.authenticate(bearer(created.secret))).rejects.toMatchObject({
      code: 'unauthorized',
      details: { reason: 'token_revoked' },
    });
  });

  it('refuses a database-shaped secret with a wrong checksum without asking the database', async () => {
    const { auth, admin } = withDatabase();
    const { secret } = await admin.create({ name: 'alice', role: 'approver' }, 'root');
    const flipped = `${secret.slice(0, 10)}${secret[10] === 'a' ? 'b' : 'a'}${secret.slice(11)}`;
    expect(await auth.authenticate(bearer(flipped))).toBeNull();
  });
});

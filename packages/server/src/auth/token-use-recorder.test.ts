import { createMemoryStore, type TokenStore } from '@faramesh/store';
import { describe, expect, it } from 'vitest';
import { TokenUseRecorder } from './token-use-recorder.js';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);

async function withTokens(...names: string[]) {
  const store = createMemoryStore();
  const ids: string[] = [];
  for (const name of names) {
    const token = await store.tokens.create({
      id: `id-${name}`,
      name,
      role: 'approver',
      groups: [],
      agent_ids: null,
      secret_hash: name.padEnd(64, '0'),
      prefix: 'fm_abcd',
      created_at: at(0).toISOString(),
      created_by: 'root',
      expires_at: null,
    });
    ids.push(token.id);
  }
  return { tokens: store.tokens, ids };
}

describe('TokenUseRecorder', () => {
  it('writes nothing until it flushes, then the time of the first use noted', async () => {
    const { tokens, ids } = await withTokens('alice');
    const recorder = new TokenUseRecorder(tokens, { flushDelayMs: 60_000 });
    recorder.used(ids[0]!, null, at(1000));
    recorder.used(ids[0]!, null, at(2000));
    expect((await tokens.get(ids[0]!))?.last_used_at).toBeNull();
    await recorder.flush();
    expect((await tokens.get(ids[0]!))?.last_used_at).toBe(at(1000).toISOString());
  });

  it('skips a token whose stored last use is less than the interval old', async () => {
    const { tokens, ids } = await withTokens('alice');
    const recorder = new TokenUseRecorder(tokens, { intervalMs: 60_000, flushDelayMs: 60_000 });
    recorder.used(ids[0]!, at(0).toISOString(), at(59_999));
    await recorder.flush();
    expect((await tokens.get(ids[0]!))?.last_used_at).toBeNull();
    recorder.used(ids[0]!, at(0).toISOString(), at(60_000));
    await recorder.flush();
    expect((await tokens.get(ids[0]!))?.last_used_at).toBe(at(60_000).toISOString());
  });

  it('holds at most maxPending uses and drops the rest', async () => {
    const { tokens, ids } = await withTokens('a', 'b', 'c');
    const recorder = new TokenUseRecorder(tokens, { maxPending: 2, flushDelayMs: 60_000 });
    for (const id of ids) recorder.used(id, null, at(5000));
    await recorder.flush();
    const stored = await Promise.all(ids.map(async (id) => (await tokens.get(id))?.last_used_at));
    expect(stored).toEqual([at(5000).toISOString(), at(5000).toISOString(), null]);
  });

  it('flushes on its own after the delay', async () => {
    const { tokens, ids } = await withTokens('alice');
    const recorder = new TokenUseRecorder(tokens, { flushDelayMs: 10 });
    recorder.used(ids[0]!, null, at(1000));
    await expect
      .poll(async () => (await tokens.get(ids[0]!))?.last_used_at, { timeout: 2000 })
      .toBe(at(1000).toISOString());
  });

  it('reports a failed write instead of throwing, and keeps working', async () => {
    const { tokens, ids } = await withTokens('alice');
    const errors: unknown[] = [];
    let fail = true;
    const flaky: TokenStore = {
      ...tokens,
      touch: (uses) => (fail ? Promise.reject(new Error('database down')) : tokens.touch(uses)),
    };
    const recorder = new TokenUseRecorder(flaky, { flushDelayMs: 60_000, onError: (e) => errors.push(e) });
    recorder.used(ids[0]!, null, at(1000));
    await recorder.flush();
    expect(errors).toHaveLength(1);
    fail = false;
    recorder.used(ids[0]!, null, at(2000));
    await recorder.flush();
    expect((await tokens.get(ids[0]!))?.last_used_at).toBe(at(2000).toISOString());
  });
});

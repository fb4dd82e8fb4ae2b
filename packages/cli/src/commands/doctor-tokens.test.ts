import { join } from 'node:path';
import { createSqliteStore } from '@faramesh/store';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../testing/harness.js';

describe('doctor and database tokens', () => {
  it('counts database tokens, ends the open-mode warning, and warns about expired ones not revoked', async () => {
    const dir = tempDir();
    await cli(['init'], { cwd: dir });
    const made = await cli(['token', 'create', '--name', 'root', '--role', 'admin', '--local'], { cwd: dir });
    expect(made.code, made.stderr).toBe(0);
    const store = createSqliteStore({ path: join(dir, 'data/actions.db') });
    await store.tokens.create({
      id: 'expired-token-id',
      name: 'old',
      role: 'approver',
      groups: [],
      agent_ids: null,
      secret_hash: 'a'.repeat(64),
      prefix: 'fm_abcd',
      created_at: '2020-01-01T00:00:00.000Z',
      created_by: 'test',
      expires_at: '2020-02-01T00:00:00.000Z',
    });
    await store.close();
    const out = await cli(['doctor'], { cwd: dir, env: { FARAMESH_PORT: '1' } });
    expect(out.stdout).toContain('✓ Auth: database tokens only (no environment tokens)');
    expect(out.stdout).not.toContain('No auth token configured');
    expect(out.stdout).toContain('! Database tokens: 1 active, 1 expired, 0 revoked (faramesh token list)');
    expect(out.stdout).toContain('1 token(s) expired but not revoked');
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { failToStart, workDir } from './harness.js';

describe('faramesh serve refuses to start on bad setup', () => {
  it('lists every policy problem with file, line and column and exits 1', async () => {
    const dir = workDir();
    writeFileSync(
      dir.policy,
      [
        'rules:',
        '  - match: { tool: shell, opp: run }',
        '    allow: true',
        '  - match: { tool: x }',
        '    deny: maybe',
        '',
      ].join('\n'),
    );
    const { code, output } = await failToStart(dir);
    expect(code).toBe(1);
    expect(output).toContain(`${dir.policy}:2:`);
    expect(output).toContain(`${dir.policy}:5:`);
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('refuses a missing policy file instead of denying everything silently', async () => {
    const dir = workDir();
    const { code, output } = await failToStart({ ...dir, policy: join(dir.dir, 'nope.yaml') });
    expect(code).toBe(1);
    expect(output).toContain('nope.yaml');
    expect(output).toMatch(/not found/);
  });

  it('never falls back to SQLite when PostgreSQL is configured but unavailable', async () => {
    const dir = workDir();
    const { code, output } = await failToStart({
      ...dir,
      env: { FARA_DB_BACKEND: 'postgres', FARA_POSTGRES_DSN: 'postgres://nobody@127.0.0.1:1/none' },
    });
    expect(code).toBe(1);
    expect(output).toMatch(/postgres/i);
    expect(output).not.toContain('listening');
  });

  it('names invalid configuration values', async () => {
    const dir = workDir();
    const { code, output } = await failToStart({
      ...dir,
      env: { FARAMESH_ENABLE_CORS: 'sometimes', FARAMESH_TOKENS: 'x' },
    });
    expect(code).toBe(1);
    expect(output).toContain('FARAMESH_ENABLE_CORS=sometimes');
    expect(output).toContain('name:role:token');
  });

  it('refuses open mode (no tokens) on a network address, saying how to proceed', async () => {
    const dir = workDir();
    const { code, output } = await failToStart({ ...dir, env: { FARAMESH_HOST: '0.0.0.0' } });
    expect(code).toBe(1);
    expect(output).toContain('refusing to start in open mode');
    expect(output).toContain('FARAMESH_ALLOW_OPEN_NETWORK');
    expect(output).not.toContain('listening');
  });

  it('refuses CORS for any origin in open mode', async () => {
    const dir = workDir();
    const { code, output } = await failToStart({ ...dir, env: { FARAMESH_ENABLE_CORS: '1' } });
    expect(code).toBe(1);
    expect(output).toContain('FARAMESH_CORS_ORIGINS=* in open mode');
  });

  it('reports a malformed .env file by line', async () => {
    const dir = workDir();
    writeFileSync(join(dir.dir, '.env'), 'FARAMESH_PORT=8000\nthis is not an assignment\n');
    const { code, output } = await failToStart(dir);
    expect(code).toBe(1);
    expect(output).toContain('.env:2');
  });
});

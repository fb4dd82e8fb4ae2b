import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redactionDigest, redactionKeyId } from '@faramesh/server/redaction';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../testing/harness.js';

const key = 'r'.repeat(48);
const env = { FARAMESH_REDACTION_KEY: key };

describe('redaction digest', () => {
  it('prints the digest the server stores for a value, reading the key from the environment or .env', async () => {
    const out = await cli(['redaction', 'digest', 'sk_live_123'], { env });
    expect([out.code, out.stdout]).toEqual([0, `${redactionDigest(key, 'sk_live_123')}\n`]);
    const envDir = tempDir();
    writeFileSync(join(envDir, '.env'), `FARAMESH_REDACTION_KEY=${key}\n`);
    expect((await cli(['redaction', 'digest', 'sk_live_123'], { cwd: envDir })).stdout).toBe(out.stdout);
    const number = await cli(['--json', 'redaction', 'digest', '--json-value', '5'], { env });
    expect(JSON.parse(number.stdout)).toEqual({ digest: redactionDigest(key, 5), key_id: redactionKeyId(key) });
  });

  it("prints the id of the key it used on stderr, to compare with the created event's redaction_key_id", async () => {
    const out = await cli(['redaction', 'digest', 'sk_live_123'], { env });
    expect([out.stdout, out.stderr]).toEqual([
      `${redactionDigest(key, 'sk_live_123')}\n`,
      `key id ${redactionKeyId(key)}\n`,
    ]);
    // Another key (here: one trailing space more) gives another digest, and says so by its id.
    const spaced = await cli(['redaction', 'digest', 'sk_live_123'], { env: { FARAMESH_REDACTION_KEY: `${key} ` } });
    expect(spaced.stdout).not.toBe(out.stdout);
    expect(spaced.stderr).not.toBe(out.stderr);
    expect(spaced.stderr).toMatch(/^key id [0-9a-f]{16}\n$/);
  });

  it('says what is wrong without a key, with a short key, or with a --json-value that is not JSON', async () => {
    const none = await cli(['redaction', 'digest', 'x'], { cwd: tempDir() });
    expect([none.code, none.stderr.trim()]).toEqual([1, expect.stringContaining('FARAMESH_REDACTION_KEY is not set')]);
    const short = await cli(['redaction', 'digest', 'x'], { env: { FARAMESH_REDACTION_KEY: 'short' } });
    expect([short.code, short.stderr.trim()]).toEqual([1, expect.stringContaining('at least 32 characters')]);
    const bad = await cli(['redaction', 'digest', '--json-value', '{secret'], { env });
    expect([bad.code, bad.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(bad.stderr).not.toContain('secret');
  });
});

describe('redaction digest --stdin', () => {
  const digest = `${redactionDigest(key, 'sk_live_123')}\n`;

  it('reads the value from stdin, so it stays out of ps and shell history', async () => {
    const out = await cli(['redaction', 'digest', '--stdin'], { env, stdin: 'sk_live_123' });
    expect([out.code, out.stdout, out.stderr]).toEqual([0, digest, `key id ${redactionKeyId(key)}\n`]);
  });

  it('drops one final line break, so echo and printf give the same digest', async () => {
    for (const stdin of ['sk_live_123\n', 'sk_live_123\r\n']) {
      expect((await cli(['redaction', 'digest', '--stdin'], { env, stdin })).stdout).toBe(digest);
    }
    // Only one: a second line break, or other trailing space, is part of the value.
    const twice = await cli(['redaction', 'digest', '--stdin'], { env, stdin: 'sk_live_123\n\n' });
    expect(twice.stdout).toBe(`${redactionDigest(key, 'sk_live_123\n')}\n`);
    const spaced = await cli(['redaction', 'digest', '--stdin'], { env, stdin: 'sk_live_123 \n' });
    expect(spaced.stdout).toBe(`${redactionDigest(key, 'sk_live_123 ')}\n`);
  });

  it('keeps every other byte: a multi-line value, a leading BOM, non-ASCII text', async () => {
    const value = '\ufeff-----BEGIN KEY-----\nabc\n-----END KEY-----';
    const out = await cli(['redaction', 'digest', '--stdin'], { env, stdin: `${value}\n` });
    expect(out.stdout).toBe(`${redactionDigest(key, value)}\n`);
  });

  it('reads JSON from stdin with --json-value (a value that really ends in a line break)', async () => {
    const out = await cli(['--json', 'redaction', 'digest', '--stdin', '--json-value'], {
      env,
      stdin: '"line\\n"\n',
    });
    expect(JSON.parse(out.stdout)).toEqual({ digest: redactionDigest(key, 'line\n'), key_id: redactionKeyId(key) });
  });

  it('refuses both a VALUE and --stdin, neither, empty stdin and bytes that are not UTF-8, in one line each', async () => {
    const cases: Array<[string[], string | Buffer | undefined, string]> = [
      [['x', '--stdin'], 'y', 'not both'],
      [[], undefined, 'missing VALUE'],
      [['--stdin'], '', 'nothing on standard input'],
      [['--stdin'], Buffer.from([0x73, 0xff, 0x6b]), 'not UTF-8'],
    ];
    for (const [args, stdin, message] of cases) {
      const out = await cli(['redaction', 'digest', ...args], { env, ...(stdin !== undefined && { stdin }) });
      expect([out.code, out.stderr.trim().split('\n').length, out.stdout]).toEqual([2, 1, '']);
      expect(out.stderr).toContain(message);
    }
  });
});

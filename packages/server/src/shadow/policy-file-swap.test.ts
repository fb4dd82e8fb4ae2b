import { createHash } from 'node:crypto';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/api-error.js';
import { swapPolicyFile } from './policy-file-swap.js';

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function policyFile(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-swap-'));
  const file = join(dir, 'policy.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  return error instanceof ApiError ? error.code : `not an ApiError: ${String(error)}`;
}

describe('policy file swap', () => {
  it('replaces the text by rename, keeps the mode, leaves no temporary file and returns the old text', async () => {
    const { dir, file } = policyFile('rules: []\n');
    chmodSync(file, 0o640);
    expect(await swapPolicyFile(file, sha('rules: []\n'), 'version: next\nrules: []\n')).toBe('rules: []\n');
    expect(readFileSync(file, 'utf8')).toBe('version: next\nrules: []\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['policy.yaml']);
  });

  it('writes through a symbolic link: the file it points to gets the text and the link stays a link', async () => {
    const { dir, file } = policyFile('rules: []\n');
    mkdirSync(join(dir, 'live'));
    const link = join(dir, 'live', 'policy.yaml');
    symlinkSync(file, link);
    await swapPolicyFile(link, sha('rules: []\n'), 'version: next\nrules: []\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('version: next\nrules: []\n');
    expect(readdirSync(join(dir, 'live'))).toEqual(['policy.yaml']);
    expect(readdirSync(dir).sort()).toEqual(['live', 'policy.yaml']);
  });

  it('refuses a file edited since it was loaded, and leaves it alone', async () => {
    const { file } = policyFile('rules: []\n# edited\n');
    expect(await codeOf(swapPolicyFile(file, sha('rules: []\n'), 'rules: [x]\n'))).toBe('policy_file_changed');
    expect(readFileSync(file, 'utf8')).toBe('rules: []\n# edited\n');
  });

  it('refuses a policy path that is gone or is not a file', async () => {
    const { dir } = policyFile('rules: []\n');
    expect(await codeOf(swapPolicyFile(join(dir, 'missing.yaml'), sha(''), 'rules: []\n'))).toBe(
      'policy_file_not_writable',
    );
    mkdirSync(join(dir, 'a-directory.yaml'));
    expect(await codeOf(swapPolicyFile(join(dir, 'a-directory.yaml'), sha(''), 'rules: []\n'))).toBe(
      'policy_file_not_writable',
    );
  });
});

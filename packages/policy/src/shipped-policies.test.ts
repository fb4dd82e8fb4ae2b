import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostic.js';
import { loadPolicy } from './load-policy.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const shipped = ['policies', 'policies/packs'].flatMap((dir) =>
  readdirSync(join(repo, dir))
    .filter((name) => name.endsWith('.yaml') && !name.endsWith('.cases.yaml'))
    .map((name) => join(repo, dir, name)),
);

describe('shipped policies', () => {
  it.each(shipped.map((path) => [relative(repo, path), path]))(
    '%s grants nothing on agent-sent facts',
    (label, path) => {
      const loaded = loadPolicy(readFileSync(path, 'utf8'), label);
      expect(loaded.ok).toBe(true);
      const warnings = loaded.ok ? loaded.warnings : [];
      expect(warnings.filter((w) => w.code === 'untrusted_fact_grant').map(formatDiagnostic)).toEqual([]);
    },
  );
});

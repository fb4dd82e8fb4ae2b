import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostic.js';
import { loadPolicy, parseCaseFile, runPolicyCases } from './index.js';

// The one runner for every case file: the package's semantics cases and the shipped policies' cases.
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const caseFiles = [
  ...yamlFiles(join(here, '../cases'), '.yaml'),
  ...yamlFiles(join(repo, 'policies'), '.cases.yaml'),
  ...yamlFiles(join(repo, 'policies/packs'), '.cases.yaml'),
];

function yamlFiles(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => join(dir, name));
}

describe.each(caseFiles.map((path) => [relative(repo, path), path]))('%s', (label, path) => {
  const parsed = parseCaseFile(readFileSync(path, 'utf8'), label);
  if (!parsed.ok) {
    it('is a valid case file', () => expect(parsed.diagnostics.map(formatDiagnostic)).toEqual([]));
    return;
  }
  const ref = parsed.file.policy;
  let policy = null;
  if (ref !== null) {
    const policyPath = ref.kind === 'file' ? resolve(dirname(path), ref.path) : path;
    const source = ref.kind === 'file' ? readFileSync(policyPath, 'utf8') : ref.source;
    const loaded = loadPolicy(source, relative(repo, policyPath));
    it('has a valid policy', () => expect(loaded.ok ? [] : loaded.diagnostics.map(formatDiagnostic)).toEqual([]));
    if (loaded.ok) policy = loaded.policy;
  }
  const results = runPolicyCases(policy, parsed.file.cases);
  it.each(results.map((result) => [result.name, result]))('%s', (_name, result) => {
    expect(result.failures).toEqual([]);
  });
});

import { readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  type CaseResult,
  type CompiledPolicy,
  type Diagnostic,
  loadPolicy,
  parseCaseFile,
  runPolicyCases,
} from '@faramesh/policy';
import { CliError } from '../cli-error.js';
import { displayPath, readText } from './policy-file.js';

/** The outcome of one case file: its cases' results, or the diagnostics that stopped it. */
export interface CaseFileRun {
  file: string;
  name: string | null;
  diagnostics: Diagnostic[];
  results: CaseResult[];
}

const CASE_SUFFIX = /\.cases\.ya?ml$/;
const YAML_SUFFIX = /\.ya?ml$/;

/**
 * The case files named by `paths`: files as given; for a directory, every `*.cases.yaml` under it,
 * or, when it has none, every YAML file under it (a folder of case files such as `cases/`).
 */
export function findCaseFiles(cwd: string, paths: string[]): string[] {
  const found: string[] = [];
  for (const path of paths) {
    const abs = resolve(cwd, path);
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(abs);
    } catch {
      throw new CliError(`no such file or directory: ${path}`);
    }
    if (!stat.isDirectory()) {
      found.push(abs);
      continue;
    }
    const all = walk(abs).filter((f) => YAML_SUFFIX.test(f));
    const cases = all.filter((f) => CASE_SUFFIX.test(f));
    found.push(...(cases.length > 0 ? cases : all));
  }
  return [...new Set(found)];
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Parses one case file, loads the policy it names (relative to the case file) and runs its cases. */
export function runCaseFile(cwd: string, abs: string): CaseFileRun {
  const file = displayPath(cwd, abs);
  const parsed = parseCaseFile(readText(cwd, abs, 'case file'), file);
  if (!parsed.ok) return { file, name: null, diagnostics: parsed.diagnostics, results: [] };
  const ref = parsed.file.policy;
  let policy: CompiledPolicy | null = null;
  if (ref !== null) {
    const policyPath = ref.kind === 'file' ? resolve(dirname(abs), ref.path) : abs;
    const source = ref.kind === 'file' ? readText(cwd, policyPath, 'policy file') : ref.source;
    const loaded = loadPolicy(source, displayPath(cwd, policyPath));
    if (!loaded.ok) {
      return {
        file,
        name: parsed.file.name,
        diagnostics: loaded.diagnostics.filter((d) => d.severity === 'error'),
        results: [],
      };
    }
    policy = loaded.policy;
  }
  return { file, name: parsed.file.name, diagnostics: [], results: runPolicyCases(policy, parsed.file.cases) };
}

import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { type CompiledPolicy, type Diagnostic, loadPolicy } from '@faramesh/policy';
import { CliError } from '../cli-error.js';

export type LoadedPolicy =
  | { ok: true; policy: CompiledPolicy; warnings: Diagnostic[]; file: string }
  | { ok: false; diagnostics: Diagnostic[]; file: string };

/** The path as the user should see it: relative to cwd when inside it. */
export function displayPath(cwd: string, path: string): string {
  const abs = resolve(cwd, path);
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') ? rel : abs;
}

/** Reads a file or fails with one clear line (missing, a directory, unreadable). */
export function readText(cwd: string, path: string, what = 'file'): string {
  try {
    return readFileSync(resolve(cwd, path), 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (code ?? String(err));
    throw new CliError(`cannot read ${what} ${displayPath(cwd, path)}: ${why}`);
  }
}

/** Reads and compiles a policy file; diagnostics name it as the user typed it. */
export function loadPolicyFile(cwd: string, path: string): LoadedPolicy {
  const file = displayPath(cwd, path);
  const result = loadPolicy(readText(cwd, path, 'policy file'), file);
  return result.ok ? { ...result, file } : { ...result, file };
}

/** Loads a policy that must be valid, or fails listing every error. */
export function requirePolicy(cwd: string, path: string): CompiledPolicy {
  const loaded = loadPolicyFile(cwd, path);
  if (loaded.ok) return loaded.policy;
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  const lines = errors.map((d) => `  ${d.file}:${d.line}:${d.column} ${d.code}: ${d.message}`);
  throw new CliError(
    `${loaded.file} is not a valid policy (${errors.length} error${errors.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
  );
}

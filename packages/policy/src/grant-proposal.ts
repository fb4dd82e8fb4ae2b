import { NON_FILE_URL } from './grant-match.js';
import type { GrantScope, ParamConstraint } from './grant-scope.js';
import { hostOfUrl } from './grant-scope.js';
import { amountOf } from './param-lookup.js';
import { isAbsoluteReading, MAX_PATH_CHARS, readPath } from './path-normalize.js';
import { isPathKey } from './path-scan.js';
import { holdsRedactedDigest } from './redacted-digest.js';
import { analyzeShell } from './shell-analysis.js';
import type { ActionInput } from './types.js';

const COMMAND_KEYS = new Set(['cmd', 'command']);
const AMOUNT_KEYS = new Set(['amount']);

/**
 * The scope offered for "also allow calls like this one" (dashboard, CLI): this tool, operation and
 * agent, and per param the loosest constraint that still names what was asked — the same shell
 * command, paths under the directory of the one asked for, URLs on the same host, amounts up to this
 * one, otherwise exactly this value; any value for a param holding a redacted value. The approver may
 * tighten it; the proposal always covers `action`.
 */
export function proposeGrantScope(action: Pick<ActionInput, 'agent_id' | 'tool' | 'operation' | 'params'>): GrantScope {
  const params: Record<string, ParamConstraint> = {};
  for (const [key, value] of Object.entries(action.params)) params[key] = proposeConstraint(key, value);
  return { tool: action.tool, operation: action.operation, agent_id: action.agent_id, params };
}

function proposeConstraint(key: string, value: unknown): ParamConstraint {
  // A redacted value is gone (only its digest is stored) and no constraint can name it: the offer is
  // any value, shown as such, never the digest (which an agent could send verbatim).
  if (holdsRedactedDigest(value)) return { any: true };
  if (COMMAND_KEYS.has(key) && typeof value === 'string' && value.length <= MAX_PATH_CHARS) {
    const analysis = analyzeShell(value);
    if (analysis.complete && analysis.commands.length > 0) return { command: value };
  }
  if (AMOUNT_KEYS.has(key) && typeof value === 'number') {
    const amount = amountOf({ amount: value });
    if (amount >= 0) return { at_most: amount };
  }
  if (isPathKey(key) && typeof value === 'string') {
    const host = hostOfUrl(value);
    if (host !== null) return { url_host: host };
    const directory = NON_FILE_URL.test(value.trim()) ? null : parentDirectory(value);
    if (directory !== null) return { path_under: directory };
  }
  return { equals: value };
}

/**
 * The directory holding `path`, when every reading of it is absolute and in the same directory —
 * never a filesystem root: "under /" would be every file (`/etc`, `/.ssh`), so a path at the top
 * is offered as exactly itself.
 */
function parentDirectory(path: string): string | null {
  const read = readPath(path);
  if (!read.ok) return null;
  const parents = new Set(read.readings.map((reading) => (isAbsoluteReading(reading) ? parentOf(reading) : null)));
  if (parents.size !== 1 || parents.has(null)) return null;
  return [...parents][0] as string;
}

/** The reading's directory, or null when that is a root (`/`, `C:/`). */
function parentOf(reading: string): string | null {
  const parent = reading.slice(0, reading.lastIndexOf('/'));
  return parent === '' || /^[A-Z]:$/.test(parent) ? null : parent;
}

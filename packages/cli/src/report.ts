import { AmbiguousPrefixError, ConnectionError, FarameshError } from '@faramesh/sdk';
import { CliError, EXIT } from './cli-error.js';
import { formatDateTime, shortId } from './output/format.js';
import type { Printer } from './output/printer.js';
import { safeText } from './output/safe-text.js';

/**
 * Turns any failure into what the user sees on stderr and the exit code. User errors are one
 * line (plus a list where it helps: ambiguous prefixes, validation problems); only unexpected
 * failures get a stack, and only with FARAMESH_DEBUG=1. Messages may quote what a server, an agent
 * or a file said, so each goes through `safeText`.
 */
export function reportError(err: unknown, out: Printer, env: NodeJS.ProcessEnv): number {
  const red = out.ce.red;
  if (err instanceof CliError) {
    // The CLI's own messages may list problems on further lines (a policy's diagnostics).
    out.warn(`${red('error')}: ${safeText(err.message, { multiline: true })}`);
    return err.exitCode;
  }
  if (err instanceof ConnectionError) {
    out.warn(
      `${red('error')}: cannot reach Faramesh at ${origin(err.url)} (${causeCode(err)}); start it with \`faramesh serve\` or set --host/--port or FARAMESH_BASE_URL`,
    );
    return EXIT.error;
  }
  if (err instanceof AmbiguousPrefixError) {
    out.warn(`${red(`error ${err.code}`)}: ${safeText(err.message)}`);
    for (const c of err.candidates) {
      const what = safeText(`${c.id}  ${c.status.padEnd(16)}  ${c.tool} ${c.operation}`);
      out.warn(`  ${what}  ${formatDateTime(c.created_at)}`);
    }
    if (err.candidates.length > 0)
      out.warn(`use more characters of the id, e.g. ${shortId(err.candidates[0]?.id ?? '')}…`);
    return EXIT.error;
  }
  if (err instanceof FarameshError) {
    out.warn(`${red(`error ${safeText(err.code)}`)}: ${safeText(err.message)}`);
    for (const line of detailLines(err.details)) out.warn(`  ${safeText(line)}`);
    return EXIT.error;
  }
  if ((err as { name?: unknown })?.name === 'AbortError') return EXIT.error;
  const message = err instanceof Error ? err.message : String(err);
  out.warn(`${red('error')}: ${safeText(message, { multiline: true })}`);
  if (env.FARAMESH_DEBUG && err instanceof Error && err.stack) out.warn(err.stack);
  return EXIT.error;
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function causeCode(err: ConnectionError): string {
  const match = /: ([^:]+)$/.exec(err.message);
  return match?.[1] ?? 'unreachable';
}

/** Validation problems (`[{path, message}]`) and policy diagnostics, one per line. */
function detailLines(details: unknown): string[] {
  const list = Array.isArray(details)
    ? details
    : Array.isArray((details as { diagnostics?: unknown } | null)?.diagnostics)
      ? ((details as { diagnostics: unknown[] }).diagnostics as unknown[])
      : [];
  return list.map((item) => {
    if (typeof item === 'string') return item;
    const d = item as {
      path?: unknown;
      message?: unknown;
      file?: unknown;
      line?: unknown;
      column?: unknown;
      code?: unknown;
    };
    if (typeof d.line === 'number') {
      return `${String(d.file ?? '')}:${d.line}:${String(d.column ?? 1)}: ${String(d.message ?? '')}${d.code ? ` (${String(d.code)})` : ''}`;
    }
    if (d.path !== undefined) return `${String(d.path) || '(body)'}: ${String(d.message ?? '')}`;
    return JSON.stringify(item);
  });
}

/** One problem found in a policy or case file, located precisely enough for an editor to jump to it. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  code: string;
  message: string;
  file: string;
  line: number;
  column: number;
  /** Where in the document, e.g. `rules[2].match.amount_gt`; empty for the document itself. */
  path: string;
}

/** Renders a diagnostic as `file:line:col severity code: message`, the format compilers and editors understand. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code}: ${d.message}`;
}

import { type Diagnostic, formatDiagnostic } from '@faramesh/policy';
import type { Colours } from './colour.js';
import { safeText } from './safe-text.js';

/** `file:line:col error code: message`, with the severity coloured (a message may quote the policy file). */
export function diagnosticLine(d: Diagnostic, c: Colours): string {
  const text = safeText(formatDiagnostic(d));
  const paint = d.severity === 'error' ? c.red : c.yellow;
  return text.replace(` ${d.severity} `, ` ${paint(d.severity)} `);
}

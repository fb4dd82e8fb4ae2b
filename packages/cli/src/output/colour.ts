import pc from 'picocolors';
import type { OutputStream } from '../io.js';
import { safeText } from './safe-text.js';

export type Colours = ReturnType<typeof pc.createColors>;

/**
 * Colour only for a terminal: off when the stream is piped, when NO_COLOR is set or TERM=dumb;
 * FORCE_COLOR (not "0") forces it on.
 */
export function colourEnabled(stream: OutputStream, env: NodeJS.ProcessEnv): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

export function colours(enabled: boolean): Colours {
  return pc.createColors(enabled);
}

/** Status colour: green for go, red for stop, yellow for waiting on a human, dim for withdrawn. */
export function paintStatus(c: Colours, status: string): string {
  switch (status) {
    case 'allowed':
    case 'approved':
    case 'succeeded':
      return c.green(status);
    case 'denied':
    case 'failed':
    case 'expired':
      return c.red(status);
    case 'pending_approval':
      return c.yellow(status);
    case 'executing':
      return c.cyan(status);
    case 'cancelled':
      return c.dim(status);
    default:
      // A status this build doesn't know (a newer server): shown, but never raw.
      return safeText(status);
  }
}

export function paintRisk(c: Colours, risk: string): string {
  if (risk === 'high') return c.red(risk);
  if (risk === 'medium') return c.yellow(risk);
  if (risk === 'low') return c.green(risk);
  return safeText(risk);
}

export function paintDecision(c: Colours, decision: string): string {
  if (decision === 'allow') return c.green(decision);
  if (decision === 'deny') return c.red(decision);
  if (decision === 'require_approval') return c.yellow(decision);
  return safeText(decision);
}

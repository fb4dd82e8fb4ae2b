import { UsageError } from '../cli-error.js';
import { readDotenv } from './dotenv.js';

/** Where the CLI finds the server and which token it sends. */
export interface Connection {
  baseUrl: string;
  token: string | null;
  /** Where the token came from, e.g. `--token` or `FARAMESH_TOKEN`; null when none. */
  tokenSource: string | null;
}

export interface ConnectionFlags {
  host?: string | undefined;
  port?: string | undefined;
  token?: string | undefined;
}

const HOST_VARS = ['FARAMESH_HOST', 'FARACORE_HOST', 'FARA_API_HOST'];
const PORT_VARS = ['FARAMESH_PORT', 'FARACORE_PORT', 'FARA_API_PORT'];
const TOKEN_VARS = ['FARAMESH_TOKEN', 'FARACORE_TOKEN', 'FARA_AUTH_TOKEN'];

/**
 * Resolves the server URL and token: flag > environment > `.env` in cwd > default
 * (http://127.0.0.1:8000, no token). `FARAMESH_BASE_URL` gives the whole URL; the host/port
 * variables and flags override its parts. A bind-all host (0.0.0.0, ::) is reached on loopback.
 */
export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv, cwd: string): Connection {
  const dotenv = readDotenv(cwd);
  const sources: Array<[string, Record<string, string | undefined>]> = [
    ['environment', env],
    ['.env', dotenv],
  ];
  const pick = (names: string[]): { value: string; name: string } | undefined => {
    for (const [, source] of sources) {
      for (const name of names) {
        const value = source[name]?.trim();
        if (value) return { value, name };
      }
    }
    return undefined;
  };

  const base = pick(['FARAMESH_BASE_URL'])?.value;
  let url: URL;
  try {
    url = new URL(base ?? 'http://127.0.0.1:8000');
  } catch {
    throw new UsageError(`invalid FARAMESH_BASE_URL '${base}': expected e.g. http://127.0.0.1:8000`);
  }
  const host = flags.host ?? (base === undefined ? pick(HOST_VARS)?.value : undefined);
  const port = flags.port ?? (base === undefined ? pick(PORT_VARS)?.value : undefined);
  if (host !== undefined) url.hostname = reachableHost(host);
  if (port !== undefined) {
    if (!/^\d+$/.test(port) || Number(port) > 65535) {
      throw new UsageError(`invalid port '${port}': expected a number from 1 to 65535`);
    }
    url.port = port;
  }

  let token: string | null = null;
  let tokenSource: string | null = null;
  if (flags.token !== undefined) {
    token = flags.token;
    tokenSource = '--token';
  } else {
    const found = pick(TOKEN_VARS);
    if (found) {
      token = found.value.split(',')[0]?.trim() || null;
      tokenSource = found.name;
    } else {
      const admin = pick(['FARAMESH_TOKENS'])
        ?.value.split(',')
        .map((entry) => entry.trim().split(':'))
        .find((parts) => parts.length >= 3 && parts[1] === 'admin');
      if (admin) {
        token = admin.slice(2).join(':');
        tokenSource = 'FARAMESH_TOKENS';
      }
    }
  }
  return { baseUrl: url.toString().replace(/\/+$/, ''), token, tokenSource };
}

function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  if (host.includes(':') && !host.startsWith('[')) return `[${host}]`;
  return host;
}

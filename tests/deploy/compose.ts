import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ROOT } from '../e2e/harness.js';

export interface ComposeService {
  build?: { context: string; target?: string; dockerfile?: string };
  image?: string;
  ports?: string[];
  environment?: string[] | Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export const COMPOSE_TEXT = readFileSync(join(ROOT, 'docker-compose.yaml'), 'utf8');
export const COMPOSE = parse(COMPOSE_TEXT) as ComposeFile;

export function service(name: string): ComposeService {
  const found = COMPOSE.services[name];
  if (found === undefined) throw new Error(`docker-compose.yaml has no service ${name}`);
  return found;
}

/** A service's environment as a record, whichever of compose's two forms it uses. */
export function envOf(svc: ComposeService): Record<string, string> {
  if (svc.environment === undefined) return {};
  if (!Array.isArray(svc.environment)) return { ...svc.environment };
  return Object.fromEntries(
    svc.environment.map((entry) => {
      const eq = entry.indexOf('=');
      return [entry.slice(0, eq), entry.slice(eq + 1)];
    }),
  );
}

/** `${VAR:-default}` as compose interpolates it with VAR unset. */
export function interpolateDefaults(value: string): string {
  return value.replace(/\$\{\w+:-([^}]*)\}/g, '$1');
}

import { createHash, timingSafeEqual } from 'node:crypto';
import type { Role } from '@faramesh/contract';
import type { TokenSpec } from '../config/config.js';

/** Who is calling. In open mode (no tokens configured) everyone is the anonymous admin. */
export interface Principal {
  name: string;
  role: Role;
  openMode: boolean;
  /** A shared identity (open mode or a FARAMESH_TOKEN token): separation of duties can't apply to it. */
  shared?: boolean;
}

export const OPEN_PRINCIPAL: Principal = { name: 'anonymous', role: 'admin', openMode: true, shared: true };

interface StoredToken {
  name: string;
  role: Role;
  digest: Buffer;
  shared: boolean;
}

/**
 * Checks bearer tokens in constant time: both sides are hashed to fixed-length digests and compared
 * with timingSafeEqual, and every configured token is compared on every call, so neither the length
 * nor the position of a match leaks through timing.
 */
export class Authenticator {
  private readonly tokens: StoredToken[];

  constructor(specs: readonly TokenSpec[]) {
    this.tokens = specs.map((spec) => ({
      name: spec.name,
      role: spec.role,
      digest: digest(spec.token),
      shared: spec.shared === true,
    }));
  }

  get openMode(): boolean {
    return this.tokens.length === 0;
  }

  /** The principal for an Authorization header value, or null when it is missing or wrong. */
  authenticate(authorization: string | undefined): Principal | null {
    if (this.openMode) return OPEN_PRINCIPAL;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const presented = digest(match?.[1] ?? '');
    let found: StoredToken | null = null;
    for (const token of this.tokens) {
      if (timingSafeEqual(token.digest, presented) && match !== null) found = token;
    }
    if (found === null) return null;
    return { name: found.name, role: found.role, openMode: false, ...(found.shared && { shared: true }) };
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

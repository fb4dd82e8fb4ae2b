import { createHash, timingSafeEqual } from 'node:crypto';
import type { Role } from '@faramesh/contract';
import type { TokenSpec } from '../config/config.js';
import { agentIdsOf } from './agent-binding.js';

/**
 * Who is calling. In open mode (no tokens configured) everyone is the anonymous admin. `name`,
 * `role` and `groups` are what policies can match (`principal*` keys); every source of identities
 * (environment tokens today, database tokens and OpenID Connect later) produces this one shape.
 */
export interface Principal {
  name: string;
  role: Role;
  groups: readonly string[];
  openMode: boolean;
  /** Agent-id globs this principal may submit as (see agent-binding.ts). */
  agentIds: readonly string[];
  /** A shared identity (open mode or a FARAMESH_TOKEN token): separation of duties can't apply to it. */
  shared?: boolean;
  /** Where the identity comes from; absent means a bearer token (or open mode). */
  source?: 'oidc';
}

export const OPEN_PRINCIPAL: Principal = {
  name: 'anonymous',
  role: 'admin',
  groups: [],
  openMode: true,
  agentIds: ['*'],
  shared: true,
};

interface StoredToken {
  principal: Principal;
  digest: Buffer;
}

/**
 * Checks bearer tokens in constant time: both sides are hashed to fixed-length digests and compared
 * with timingSafeEqual, and every configured token is compared on every call, so neither the length
 * nor the position of a match leaks through timing.
 */
export class Authenticator {
  private readonly tokens: StoredToken[];
  private readonly closed: boolean;

  /** `closed`: another sign-in (OpenID Connect) is configured, so no tokens does not mean open mode. */
  constructor(specs: readonly TokenSpec[], options: { closed?: boolean } = {}) {
    this.closed = options.closed === true;
    this.tokens = specs.map((spec) => ({
      principal: {
        name: spec.name,
        role: spec.role,
        groups: spec.groups ?? [],
        openMode: false,
        agentIds: agentIdsOf(spec),
        ...(spec.shared === true && { shared: true }),
      },
      digest: digest(spec.token),
    }));
  }

  get openMode(): boolean {
    return this.tokens.length === 0 && !this.closed;
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
    return found === null ? null : found.principal;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

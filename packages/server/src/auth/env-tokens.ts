import { hash, timingSafeEqual } from 'node:crypto';
import type { TokenSpec } from '../config/config.js';
import { agentIdsOf } from './agent-binding.js';
import type { Principal } from './authenticator.js';
import type { Credentials, PrincipalSource } from './principal-source.js';

interface StoredToken {
  principal: Principal;
  digest: Buffer;
}

/**
 * The tokens of FARAMESH_TOKEN and FARAMESH_TOKENS, checked in constant time: both sides are hashed
 * to fixed-length digests and compared with timingSafeEqual, and every configured token is compared
 * on every call, so neither the length nor the position of a match leaks through timing.
 */
export class EnvTokenSource implements PrincipalSource {
  private readonly tokens: StoredToken[];

  constructor(specs: readonly TokenSpec[]) {
    this.tokens = specs.map((spec) => ({
      principal: {
        name: spec.name,
        role: spec.role,
        groups: spec.groups ?? [],
        openMode: false,
        agentIds: agentIdsOf(spec),
        source: 'env',
        ...(spec.shared === true && { shared: true }),
      },
      digest: digest(spec.token),
    }));
  }

  /** The names these tokens claim: no database token may take one. */
  get names(): ReadonlySet<string> {
    return new Set(this.tokens.map((token) => token.principal.name));
  }

  hasIdentities(): boolean {
    return this.tokens.length > 0;
  }

  principalNamed(name: string): Principal | null {
    return this.tokens.find((token) => token.principal.name === name)?.principal ?? null;
  }

  authenticate({ bearer }: Credentials): Principal | null {
    // No tokens configured: nothing to compare, and nothing secret to time.
    if (this.tokens.length === 0) return null;
    const presented = digest(bearer ?? '');
    let found: StoredToken | null = null;
    for (const token of this.tokens) {
      if (timingSafeEqual(token.digest, presented) && bearer !== null) found = token;
    }
    return found === null ? null : found.principal;
  }
}

function digest(value: string): Buffer {
  return hash('sha256', value, 'buffer') as Buffer;
}

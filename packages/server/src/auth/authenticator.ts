import type { IncomingHttpHeaders } from 'node:http';
import type { Role } from '@faramesh/contract';
import type { Credentials, PrincipalSource } from './principal-source.js';

/**
 * Who is calling. In open mode (no identities anywhere) everyone is the anonymous admin. `name`,
 * `role` and `groups` are what policies can match (`principal*` keys); every source of identities
 * (environment tokens, database tokens, dashboard sessions) produces this one shape.
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
  /** Where the identity comes from. */
  source?: 'open' | 'env' | 'database' | 'oidc';
  /** Database tokens: the token's id and expiry. */
  token?: { id: string; expiresAt: string | null };
}

export const OPEN_PRINCIPAL: Principal = {
  name: 'anonymous',
  role: 'admin',
  groups: [],
  openMode: true,
  agentIds: ['*'],
  shared: true,
  source: 'open',
};

/**
 * Finds the principal of a request by asking each source in turn (environment tokens first, so
 * they keep working while the database is down). Open mode is when no source has any identity.
 */
export class Authenticator {
  /** `closed`: another sign-in (OpenID Connect) is configured, so no tokens does not mean open mode. */
  constructor(
    private readonly sources: readonly PrincipalSource[],
    private readonly options: { closed?: boolean } = {},
  ) {}

  /** True while no source has an identity (and no other sign-in is configured): every caller is the anonymous admin. */
  async openMode(): Promise<boolean> {
    if (this.options.closed === true) return false;
    return (await this.noIdentities(0)) !== null;
  }

  /**
   * The principal of the identity named `name` (a Slack user mapped to it, say), from the first
   * source that knows it; in open mode, where every caller is the anonymous admin, an open principal
   * under that name. Null when no source knows the name.
   */
  async principalNamed(name: string): Promise<Principal | null> {
    for (const source of this.sources) {
      const principal = await source.principalNamed?.(name);
      if (principal !== null && principal !== undefined) return principal;
    }
    return (await this.openMode()) ? { ...OPEN_PRINCIPAL, name } : null;
  }

  /**
   * The principal for the request's headers, or null when its credentials are missing or wrong.
   * Throws ApiError `unauthorized` with the reason for a token that is known but revoked or expired.
   */
  async authenticate(headers: IncomingHttpHeaders): Promise<Principal | null> {
    return this.authenticateNow(headers);
  }

  /**
   * `authenticate` without a promise when every source asked answers at once (environment tokens,
   * open mode once the database's "no tokens" is cached): the request hook's path. May throw at once.
   */
  authenticateNow(headers: IncomingHttpHeaders): MaybePromise<Principal | null> {
    const match = BEARER.exec(headers.authorization ?? '');
    return this.ask({ bearer: match?.[1] ?? null, headers }, 0);
  }

  private ask(credentials: Credentials, from: number): MaybePromise<Principal | null> {
    for (let i = from; i < this.sources.length; i++) {
      const answer = this.sources[i]!.authenticate(credentials);
      if (answer instanceof Promise) {
        return answer.then((principal) => principal ?? this.ask(credentials, i + 1));
      }
      if (answer !== null) return answer;
    }
    if (this.options.closed === true) return null;
    return this.noIdentities(0);
  }

  /** OPEN_PRINCIPAL when no source from `from` on has an identity, else null. */
  private noIdentities(from: number): MaybePromise<Principal | null> {
    for (let i = from; i < this.sources.length; i++) {
      const has = this.sources[i]!.hasIdentities();
      if (has instanceof Promise) return has.then((yes) => (yes ? null : this.noIdentities(i + 1)));
      if (has) return null;
    }
    return OPEN_PRINCIPAL;
  }
}

type MaybePromise<T> = T | Promise<T>;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

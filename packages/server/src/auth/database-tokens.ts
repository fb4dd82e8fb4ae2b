import { timingSafeEqual } from 'node:crypto';
import type { Role } from '@faramesh/contract';
import type { TokenRecord, TokenStore } from '@faramesh/store';
import { ApiError } from '../http/api-error.js';
import { agentIdsOf } from './agent-binding.js';
import type { Principal } from './authenticator.js';
import type { Credentials, PrincipalSource } from './principal-source.js';
import { isTokenSecret, secretDigest } from './token-secret.js';
import type { TokenUseRecorder } from './token-use-recorder.js';

const ROLES: ReadonlySet<string> = new Set<Role>(['agent', 'approver', 'admin']);

/**
 * How long "the database holds no token" is believed before it is asked again. Open mode asked on
 * every request (a count per request, 2.6% of a submission's CPU). A first token created elsewhere
 * (another replica, `faramesh token create --local`) ends open mode here within this time; one
 * created through this server (`tokenCreated`) ends it at once.
 */
export const NO_TOKENS_RECHECK_MS = 1000;

/**
 * Tokens managed in the database. Nothing is cached: every request looks its token up by the
 * digest of the secret (a unique index, so thousands of tokens cost one index probe), which makes a
 * revocation or an expiry refuse the very next request on every replica sharing the database.
 * Strings that aren't shaped like a token (prefix and checksum) never reach the database.
 */
export class DatabaseTokenSource implements PrincipalSource {
  /** Tokens are never deleted, so once one exists the server is out of open mode for good. */
  #seenAny = false;
  /** Until when (performance.now()) the last "no tokens" answer stands. */
  #noneUntil = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly tokens: TokenStore,
    private readonly now: () => Date,
    private readonly uses: TokenUseRecorder,
  ) {}

  /** At once (no promise) while the last answer stands: open mode asks on every request. */
  hasIdentities(): boolean | Promise<boolean> {
    if (this.#seenAny || performance.now() < this.#noneUntil) return this.#seenAny;
    return this.countIdentities();
  }

  private async countIdentities(): Promise<boolean> {
    const asked = performance.now();
    this.#seenAny = (await this.tokens.count(this.now().toISOString())).total > 0;
    if (!this.#seenAny) this.#noneUntil = asked + NO_TOKENS_RECHECK_MS;
    return this.#seenAny;
  }

  async principalNamed(name: string): Promise<Principal | null> {
    const token = await this.tokens.findActiveByName(name);
    if (token === null || !ROLES.has(token.role)) return null;
    if (token.expires_at !== null && Date.parse(token.expires_at) <= this.now().getTime()) return null;
    return principalOf(token);
  }

  /** A token was just created through this server: open mode ends with the next request. */
  tokenCreated(): void {
    this.#seenAny = true;
  }

  /** Null at once for what isn't shaped like a token (no bearer at all, an environment token). */
  authenticate({ bearer }: Credentials): Principal | null | Promise<Principal | null> {
    if (bearer === null || !isTokenSecret(bearer)) return null;
    return this.lookUp(bearer);
  }

  private async lookUp(bearer: string): Promise<Principal | null> {
    const digest = secretDigest(bearer);
    const token = await this.tokens.findByHash(digest.toString('hex'));
    // The lookup found the row by this very digest; comparing again in constant time keeps the
    // decision independent of how the database compared strings.
    if (token === null || !sameDigest(token.secret_hash, digest)) return null;
    const now = this.now();
    if (token.revoked_at !== null) {
      throw new ApiError('unauthorized', `the token "${token.prefix}…" of ${token.name} was revoked`, {
        reason: 'token_revoked',
      });
    }
    if (token.expires_at !== null && Date.parse(token.expires_at) <= now.getTime()) {
      throw new ApiError(
        'unauthorized',
        `the token "${token.prefix}…" of ${token.name} expired at ${token.expires_at}`,
        {
          reason: 'token_expired',
        },
      );
    }
    // A role this build doesn't know (a newer build wrote it) grants nothing.
    if (!ROLES.has(token.role)) return null;
    this.uses.used(token.id, token.last_used_at, now);
    return principalOf(token);
  }
}

/** The principal a database token authenticates as. */
export function principalOf(token: TokenRecord): Principal {
  const role = token.role as Role;
  return {
    name: token.name,
    role,
    groups: token.groups,
    openMode: false,
    agentIds: agentIdsOf({ name: token.name, role, ...(token.agent_ids !== null && { agentIds: token.agent_ids }) }),
    source: 'database',
    token: { id: token.id, expiresAt: token.expires_at },
  };
}

function sameDigest(storedHex: string, digest: Buffer): boolean {
  const stored = Buffer.from(storedHex, 'hex');
  return stored.length === digest.length && timingSafeEqual(stored, digest);
}

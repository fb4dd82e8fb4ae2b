import type { IncomingHttpHeaders } from 'node:http';
import type { Principal } from './authenticator.js';

/** What a request presents: its bearer token (null without a well-formed one) and all its headers. */
export interface Credentials {
  bearer: string | null;
  headers: IncomingHttpHeaders;
}

/**
 * One source of identities (environment tokens, database tokens, dashboard sessions). The
 * Authenticator asks each in turn; the first that recognises the credentials answers.
 */
export interface PrincipalSource {
  /**
   * The principal these credentials prove, or null when they are none of this source's. Throws an
   * ApiError `unauthorized` for credentials that are this source's but no longer valid (revoked,
   * expired), so the caller learns why.
   */
  authenticate(credentials: Credentials): Principal | null | Promise<Principal | null>;
  /** Whether this source has any identity: the server is in open mode only when no source has. */
  hasIdentities(): boolean | Promise<boolean>;
  /**
   * The principal of the identity named `name`, as its credentials would authenticate it now (not
   * revoked, not expired), or null. For channels that name people rather than present tokens (Slack).
   */
  principalNamed?(name: string): Principal | null | Promise<Principal | null>;
}

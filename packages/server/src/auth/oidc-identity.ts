import type { OidcRole, OidcRoleMapping } from '../config/oidc-config.js';

/** Who signed in, as Faramesh sees them: the identity a session is for. */
export interface OidcIdentity {
  /** Stable across logins and renames: the issuer and the `sub` claim. */
  subject: string;
  /** The principal name recorded in the ledger: email, else preferred_username, else sub. */
  name: string;
  groups: string[];
  /** Null when no group of this person is mapped to a role: they are refused. */
  role: OidcRole | null;
}

/** Bounds on what a provider's claims can make us keep per session. */
export const MAX_NAME_LENGTH = 256;
export const MAX_GROUPS = 256;
export const MAX_GROUP_LENGTH = 256;

// Control characters and the like would make names unreadable in the ledger and in logs.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * Maps the claims of a verified ID token (merged with the UserInfo response) to an identity.
 * Names: `email` (unless the provider says `email_verified: false`: an unverified address could
 * be anyone's), else `preferred_username`, else `sub`; a claim that is not a short printable
 * string is skipped. Groups: the `groupsClaim` claim (a list of strings or one string; a dotted
 * path like `realm_access.roles` when no claim has that exact name). Role: admin when any group
 * is mapped to admin, else approver when any is mapped to approver, else none.
 */
export function identityFromClaims(
  claims: Readonly<Record<string, unknown>>,
  issuer: string,
  options: { groupsClaim: string; roles: OidcRoleMapping },
): OidcIdentity | { problem: string } {
  const sub = printable(claims.sub);
  if (sub === null) return { problem: 'the provider sent no usable subject (sub) claim' };
  const email = claims.email_verified === false ? null : printable(claims.email);
  const name = email ?? printable(claims.preferred_username) ?? sub;
  const groups = groupsOf(claimAt(claims, options.groupsClaim));
  // Cutting the list short could drop a group a policy denies by, so a longer one is refused.
  if (groups.length > MAX_GROUPS) {
    return { problem: `the ${options.groupsClaim} claim lists more than ${MAX_GROUPS} groups` };
  }
  return { subject: `${issuer} ${sub}`, name, groups, role: roleOf(groups, options.roles) };
}

/** The highest role any of the groups is mapped to; `*` in the mapping matches everyone. */
export function roleOf(groups: readonly string[], roles: OidcRoleMapping): OidcRole | null {
  const has = (mapped: readonly string[]) => mapped.includes('*') || groups.some((g) => mapped.includes(g));
  if (has(roles.admin)) return 'admin';
  if (has(roles.approver)) return 'approver';
  return null;
}

function printable(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.length > MAX_NAME_LENGTH || UNPRINTABLE.test(trimmed)) return null;
  return trimmed;
}

function claimAt(claims: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.hasOwn(claims, name)) return claims[name];
  let value: unknown = claims;
  for (const part of name.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, part)) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Strings only, each short and printable (anything else is left out); stops one past MAX_GROUPS. */
function groupsOf(value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  const groups = new Set<string>();
  for (const item of list) {
    if (groups.size > MAX_GROUPS) break;
    if (typeof item === 'string' && item !== '' && item.length <= MAX_GROUP_LENGTH && !UNPRINTABLE.test(item)) {
      groups.add(item);
    }
  }
  return [...groups];
}

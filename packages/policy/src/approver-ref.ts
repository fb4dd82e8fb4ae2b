/**
 * Who an entry of `approvers:`, `notify:` or a group's member list names. Written forms:
 *
 * - `finance`: a group declared under `groups:` (in `approvers`/`notify`; a bare word in a group's
 *   member list is an identity instead, since groups don't nest);
 * - `alice@corp.example` or `user:alice`: one identity (an OIDC email, a token name);
 * - `group:sre`: a group only the identity provider knows: every principal whose `groups` contain
 *   `sre` (OIDC claim, FARAMESH_TOKEN_GROUPS). Its size is unknown when the policy loads.
 */
export type ApproverRef =
  | { kind: 'identity'; name: string }
  | { kind: 'group'; name: string }
  | { kind: 'runtime_group'; name: string };

/** Where a reference is written: a rule's approver list or a group's member list. */
export type RefPlace = 'approvers' | 'member';

// Token names can't contain these (see the server's token-identities.ts), emails don't either.
const IDENTITY = /^[^\s\p{Cc}*/=|,]{1,256}$/u;
const EMAIL = /^[^@]+@[^@]+$/;
const RUNTIME_GROUP = /^\S(?:[^\p{Cc}]{0,254}\S)?$/u;
/** Declared group names: short words, never an email and never a `user:`/`group:` form. */
export const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Reads one written reference, or says why it is not one (code + one-line message). */
export function parseApproverRef(
  text: string,
  place: RefPlace,
): { ref: ApproverRef } | { code: 'invalid_identity' | 'invalid_group_name'; problem: string } {
  if (text.startsWith('group:')) {
    const name = text.slice('group:'.length);
    if (RUNTIME_GROUP.test(name)) return { ref: { kind: 'runtime_group', name } };
    return {
      code: 'invalid_group_name',
      problem: `${JSON.stringify(text)}: a group: name is 1–256 characters without control characters or surrounding spaces`,
    };
  }
  const explicit = text.startsWith('user:');
  const name = explicit ? text.slice('user:'.length) : text;
  if (!explicit && place === 'approvers' && !name.includes('@')) {
    return GROUP_NAME.test(name)
      ? { ref: { kind: 'group', name } }
      : {
          code: 'invalid_group_name',
          problem: `${JSON.stringify(text)} is neither a group name nor an email; write a token name as user:${name}`,
        };
  }
  if (IDENTITY.test(name) && (!name.includes('@') || EMAIL.test(name))) return { ref: { kind: 'identity', name } };
  return {
    code: 'invalid_identity',
    problem: `${JSON.stringify(text)} is not an identity: a token name or an email, at most 256 characters, without spaces, control characters or * / = | ,`,
  };
}

/** One key per distinct reference: `user:` + identity key, `group:` + name, or the declared group's name. */
export function refKey(ref: ApproverRef): string {
  if (ref.kind === 'identity') return `user:${identityKey(ref.name)}`;
  return ref.kind === 'runtime_group' ? `group:${ref.name}` : ref.name;
}

/**
 * The form identities are compared in: emails case-insensitively (providers differ in the case
 * they return), token names exactly. Used for membership, distinctness and the submitter check.
 */
export function identityKey(name: string): string {
  return name.includes('@') ? name.toLowerCase() : name;
}

import { type ApproverRef, identityKey, parseApproverRef, type RefPlace } from './approver-ref.js';

/** Whom a list of references names, with declared groups expanded through a groups snapshot. */
export interface ApproverSet {
  /** Known identities, by `identityKey`, each with the name as first written. */
  identities: Map<string, string>;
  /** `group:` names: members known only at runtime, so the set has no fixed size. */
  runtimeGroups: Set<string>;
}

/** A principal as the approval rules see it: a name and the groups the server authenticated. */
export interface ApproverPrincipal {
  name: string;
  groups: readonly string[];
}

/**
 * Expands references (as stored in a requirement) into identities and runtime groups. A
 * reference that doesn't parse, or a group missing from the snapshot, names nobody: stored data
 * that can't be understood never widens who may decide.
 */
export function expandRefs(refs: readonly string[], groups: Readonly<Record<string, readonly string[]>>): ApproverSet {
  const set: ApproverSet = { identities: new Map(), runtimeGroups: new Set() };
  const add = (ref: ApproverRef | null): void => {
    if (ref?.kind === 'identity') {
      const key = identityKey(ref.name);
      if (!set.identities.has(key)) set.identities.set(key, ref.name);
    } else if (ref?.kind === 'runtime_group') set.runtimeGroups.add(ref.name);
  };
  for (const text of refs) {
    const ref = refOf(text, 'approvers');
    if (ref?.kind !== 'group') add(ref);
    else if (Object.hasOwn(groups, ref.name)) for (const member of groups[ref.name] ?? []) add(refOf(member, 'member'));
  }
  return set;
}

/** True when `principal` is in the set: as a named identity or through one of its groups. */
export function setAdmits(set: ApproverSet, principal: ApproverPrincipal): boolean {
  return set.identities.has(identityKey(principal.name)) || principal.groups.some((g) => set.runtimeGroups.has(g));
}

function refOf(text: string, place: RefPlace): ApproverRef | null {
  const parsed = parseApproverRef(text, place);
  return 'ref' in parsed ? parsed.ref : null;
}

import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import { GROUP_NAME, parseApproverRef, refKey } from './approver-ref.js';
import { describe, type Entry, joinPath, readSequence, readString, type YamlSource } from './yaml-document.js';

/**
 * Declared groups: name → members as written (identities and `group:` references), or null for a
 * group declared with problems (already reported), so rules naming it don't report it again.
 */
export type DeclaredGroups = ReadonlyMap<string, readonly string[] | null>;

/**
 * Reads the top-level `groups:` mapping (name → list of token names, emails, `user:` or `group:`
 * references), reporting invalid names, empty groups, duplicate members and bad identities.
 */
export function readGroups(yaml: YamlSource, entry: Entry | undefined): DeclaredGroups {
  const groups = new Map<string, string[] | null>();
  if (entry === undefined) return groups;
  const node = entry.value;
  if (!isMap(node)) {
    yaml.error(node ?? entry.key, 'groups', 'invalid_type', `\`groups\` must be a mapping, got ${describe(node)}`);
    return groups;
  }
  for (const pair of (node as YAMLMap<unknown, unknown>).items) {
    const key = pair.key as Node | null;
    if (!isScalar(key) || typeof key.value !== 'string') {
      yaml.error(key ?? node, 'groups', 'invalid_key', 'group names must be strings');
      continue;
    }
    const name = key.value;
    const path = joinPath('groups', name);
    if (!GROUP_NAME.test(name)) {
      yaml.error(
        key,
        path,
        'invalid_group_name',
        `group name ${JSON.stringify(name)} must be 1–64 letters, digits, "_", "." or "-", starting with a letter or digit`,
      );
      groups.set(name, null);
      continue;
    }
    groups.set(name, readMembers(yaml, key, (pair.value ?? null) as Node | null, path));
  }
  return groups;
}

function readMembers(yaml: YamlSource, key: Node, node: Node | null, path: string): string[] | null {
  const items = readSequence(yaml, node, path, `group ${JSON.stringify(key.toString())}`);
  if (items === null) return null;
  if (items.length === 0) {
    yaml.error(node, path, 'empty_group', 'a group needs at least one member; remove it or list who belongs');
    return null;
  }
  const seen = new Set<string>();
  let valid = true;
  const members: string[] = [];
  items.forEach((item, index) => {
    const itemPath = `${path}[${index}]`;
    const text = readString(yaml, { key, value: item }, itemPath);
    if (text === null) {
      valid = false;
      return;
    }
    const parsed = parseApproverRef(text, 'member');
    if (!('ref' in parsed)) {
      yaml.error(item, itemPath, parsed.code, parsed.problem);
      valid = false;
      return;
    }
    const ref = parsed.ref;
    const seenKey = refKey(ref);
    if (seen.has(seenKey)) {
      yaml.error(item, itemPath, 'duplicate_member', `${JSON.stringify(text)} is already a member of this group`);
      valid = false;
      return;
    }
    seen.add(seenKey);
    members.push(text);
  });
  return valid ? members : null;
}

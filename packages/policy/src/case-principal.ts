import type { Node } from 'yaml';
import { type ActionPrincipal, PRINCIPAL_ROLES } from './types.js';
import { joinPath, readMapping, readSequence, readString, type YamlSource } from './yaml-document.js';

const PRINCIPAL_FIELDS = ['name', 'role', 'groups'];

/** A case action's `principal: {name, role, groups?}`; null after reporting when it is invalid. */
export function readCasePrincipal(yaml: YamlSource, node: Node | null, path: string): ActionPrincipal | null {
  const entries = readMapping(yaml, node, path, 'a principal', PRINCIPAL_FIELDS);
  if (entries === null) return null;
  const nameEntry = entries.get('name');
  const roleEntry = entries.get('role');
  if (nameEntry === undefined) yaml.error(node, joinPath(path, 'name'), 'missing_name', 'a principal needs a `name`');
  if (roleEntry === undefined) yaml.error(node, joinPath(path, 'role'), 'missing_role', 'a principal needs a `role`');
  const name = nameEntry === undefined ? null : readString(yaml, nameEntry, joinPath(path, 'name'));
  const role = roleEntry === undefined ? null : readString(yaml, roleEntry, joinPath(path, 'role'));
  const isRole = (value: string): value is ActionPrincipal['role'] =>
    (PRINCIPAL_ROLES as readonly string[]).includes(value);
  if (role !== null && !isRole(role)) {
    yaml.error(roleEntry?.value, joinPath(path, 'role'), 'invalid_value', `role must be ${PRINCIPAL_ROLES.join(', ')}`);
  }
  const groupsEntry = entries.get('groups');
  const groups: string[] = [];
  if (groupsEntry !== undefined) {
    const items = readSequence(yaml, groupsEntry.value, joinPath(path, 'groups'), '`groups`') ?? [];
    items.forEach((item, index) => {
      const group = readString(yaml, { key: groupsEntry.key, value: item }, `${joinPath(path, 'groups')}[${index}]`);
      if (group !== null) groups.push(group);
    });
  }
  if (name === null || role === null || !isRole(role)) return null;
  return { name, role, groups };
}

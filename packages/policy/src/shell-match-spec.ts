import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { CommandAllowance, MatchSpec } from './types.js';
import { describe, type Entry, joinPath, readMapping, readSequence, type YamlSource } from './yaml-document.js';

// A command name as the analyzer reports it: printable ASCII, no slash (it is a basename).
const COMMAND_NAME = /^[\x21-\x2e\x30-\x7e]+$/;
const ALLOWANCE_KEYS = ['subcommands', 'forbid'];

/** Validates the shell keys of a match mapping (`commands`, `redirect_writes`, `any_command`) into `spec`. */
export function readShellKeys(yaml: YamlSource, entries: Map<string, Entry>, path: string, spec: MatchSpec): void {
  const commands = entries.get('commands');
  if (commands !== undefined) {
    const read = readCommands(yaml, commands.value, joinPath(path, 'commands'));
    if (read !== null) spec.commands = read;
  }
  const writes = entries.get('redirect_writes');
  if (writes !== undefined) {
    const writesPath = joinPath(path, 'redirect_writes');
    if (commands === undefined) {
      yaml.error(
        writes.key,
        writesPath,
        'redirect_writes_without_commands',
        '`redirect_writes` needs a `commands` allowlist',
      );
    }
    const globs = readStrings(yaml, writes.value, writesPath, (glob) => (glob === '' ? 'must not be empty' : null));
    if (globs !== null) spec.redirect_writes = globs;
  }
  const any = entries.get('any_command');
  if (any !== undefined) {
    const names = readStrings(yaml, any.value, joinPath(path, 'any_command'), nameProblem);
    if (names !== null) spec.any_command = names;
  }
}

function nameProblem(name: string): string | null {
  return COMMAND_NAME.test(name) ? null : 'must be a command name: printable ASCII without spaces or `/`';
}

// `commands: [ls, pwd]` or `commands: {ls: , git: {subcommands: [...], forbid: [...]}}`.
function readCommands(yaml: YamlSource, node: Node | null, path: string): Record<string, CommandAllowance> | null {
  const errorsBefore = yaml.diagnostics.length;
  const result: Record<string, CommandAllowance> = {};
  if (isSeq(node)) {
    const names = readStrings(yaml, node, path, nameProblem);
    for (const name of names ?? []) result[name] = {};
  } else if (isMap(node)) {
    if (node.items.length === 0) yaml.error(node, path, 'empty_list', '`commands` must name at least one command');
    for (const pair of node.items as Pair<Node | null, Node | null>[]) readAllowance(yaml, pair, path, result);
  } else {
    yaml.error(node, path, 'invalid_type', `\`commands\` must be a list or a mapping, got ${describe(node)}`);
  }
  return yaml.diagnostics.length === errorsBefore ? result : null;
}

function readAllowance(
  yaml: YamlSource,
  pair: Pair<Node | null, Node | null>,
  path: string,
  into: Record<string, CommandAllowance>,
): void {
  const key = pair.key;
  const name = isScalar(key) && typeof key.value === 'string' ? key.value : null;
  if (name === null) {
    const source = isScalar(key) ? String(key.source ?? key.value) : '';
    yaml.error(key, path, 'invalid_command_name', `command names must be strings; quote it: "${source}"`);
    return;
  }
  const why = nameProblem(name);
  if (why !== null) {
    yaml.error(key, path, 'invalid_command_name', `command ${JSON.stringify(name)} ${why}`);
    return;
  }
  const itemPath = joinPath(path, name);
  const value = pair.value;
  const allowance: CommandAllowance = {};
  // `ls:` (null) or `ls: {}` allows the command with any arguments.
  if (value !== null && !(isScalar(value) && value.value === null)) {
    const entries = readMapping(yaml, value, itemPath, `the allowance of ${name}`, ALLOWANCE_KEYS);
    const subcommands = entries?.get('subcommands');
    if (subcommands !== undefined) {
      const list = readStrings(yaml, subcommands.value, joinPath(itemPath, 'subcommands'), nameProblem);
      if (list !== null) allowance.subcommands = list;
    }
    const forbid = entries?.get('forbid');
    if (forbid !== undefined) {
      const list = readStrings(yaml, forbid.value, joinPath(itemPath, 'forbid'), optionProblem);
      if (list !== null) allowance.forbid = list;
    }
  }
  into[name] = allowance;
}

function optionProblem(option: string): string | null {
  return /^-[^\s-]|^--[^\s=]+$/.test(option) && !/\s/.test(option)
    ? null
    : 'must be an option: `-x`, `-word` or `--long` (no value, no spaces)';
}

/** A non-empty list of strings, each checked by `problem` (reported at the item with code `invalid_value`). */
function readStrings(
  yaml: YamlSource,
  node: Node | null,
  path: string,
  problem: (value: string) => string | null,
): string[] | null {
  const items = readSequence(yaml, node, path, `\`${path.slice(path.lastIndexOf('.') + 1)}\``);
  if (items === null) return null;
  if (items.length === 0) {
    yaml.error(node, path, 'empty_list', `\`${path.slice(path.lastIndexOf('.') + 1)}\` must not be empty`);
    return null;
  }
  const values: string[] = [];
  let ok = true;
  items.forEach((item, index) => {
    const itemPath = `${path}[${index}]`;
    if (!isScalar(item) || typeof item.value !== 'string') {
      yaml.error(item, itemPath, 'invalid_type', `must be a string, got ${describe(item)}`);
      ok = false;
      return;
    }
    const why = problem(item.value);
    if (why !== null) {
      yaml.error(item, itemPath, 'invalid_value', `${JSON.stringify(item.value)} ${why}`);
      ok = false;
      return;
    }
    values.push(item.value);
  });
  return ok ? values : null;
}

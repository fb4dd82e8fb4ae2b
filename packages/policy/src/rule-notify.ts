import type { Node } from 'yaml';
import { isScalar } from 'yaml';
import { type Entry, joinPath, readSequence, type YamlSource } from './yaml-document.js';

/** A rule's `notify:` channel names, with their nodes for locating errors. */
export interface RuleNotify {
  names: string[];
  nodes: Node[];
}

const CHANNEL_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/**
 * `notify: [ops-webhook, …]` on a rule: the notification channels told when the rule makes an action
 * wait for approval (names from FARAMESH_CHANNELS_FILE). Null when absent or after reporting.
 */
export function readRuleNotify(yaml: YamlSource, entry: Entry | undefined, path: string): RuleNotify | null {
  if (entry === undefined) return null;
  const at = joinPath(path, 'notify');
  const items = readSequence(yaml, entry.value, at, '`notify`');
  if (items === null) return null;
  const notify: RuleNotify = { names: [], nodes: [] };
  items.forEach((item, index) => {
    if (!isScalar(item) || typeof item.value !== 'string' || !CHANNEL_NAME.test(item.value)) {
      yaml.error(
        item,
        `${at}[${index}]`,
        'invalid_channel',
        'a `notify` entry must be a channel name (lowercase, digits, - or _)',
      );
      return;
    }
    notify.names.push(item.value);
    notify.nodes.push(item);
  });
  return notify;
}

/** Reports every `notify` name that isn't a configured channel, at its line and column. */
export function unknownChannelErrors(
  yaml: YamlSource,
  rules: readonly { notify?: RuleNotify | null }[],
  channels: ReadonlySet<string>,
): void {
  rules.forEach((rule, index) => {
    rule.notify?.names.forEach((name, i) => {
      if (channels.has(name)) return;
      const known =
        channels.size === 0
          ? 'no channels are configured (FARAMESH_CHANNELS_FILE)'
          : `configured: ${[...channels].join(', ')}`;
      yaml.error(
        rule.notify?.nodes[i] ?? null,
        `rules[${index}].notify[${i}]`,
        'unknown_channel',
        `no channel named "${name}"; ${known}`,
      );
    });
  });
}

import type { CompiledPolicy } from '@faramesh/policy';
import type { Check } from './doctor.js';

interface ChannelsView {
  file: string | null;
  webhooks: readonly { name: string; url: URL; events: readonly string[]; keys: readonly unknown[] }[];
  email?: readonly {
    name: string;
    smtp: { host: string; port: number; secure: boolean; starttls: string };
    recipients: readonly string[];
    linkOnly: boolean;
  }[];
  slack?: {
    apiUrl: URL;
    usersByEmail: boolean;
    users: ReadonlyMap<string, string>;
    channels: readonly { name: string; target: { channel: string } | { dm: string }; allPending: boolean }[];
  } | null;
}

/**
 * `doctor`'s notification check: which channels FARAMESH_CHANNELS_FILE configures (never a secret),
 * and whether every `notify:` of the policy names one of them. A malformed file already fails the
 * config check (resolveConfig refuses it).
 */
export function channelsCheck(channels: ChannelsView, policy: CompiledPolicy | null): Check {
  const email = channels.email ?? [];
  const slack = channels.slack ?? null;
  const names = new Set([
    ...channels.webhooks.map((webhook) => webhook.name),
    ...(slack?.channels ?? []).map((c) => c.name),
    ...email.map((channel) => channel.name),
  ]);
  const unknown = (policy?.rules ?? []).flatMap((rule) =>
    (rule.notify ?? [])
      .filter((name) => !names.has(name))
      .map((name) => `rule ${rule.index} (line ${rule.line}) notifies "${name}", which is not configured`),
  );
  if (unknown.length > 0) {
    return {
      name: 'channels',
      status: 'fail',
      message: 'Policy notifies channels that are not configured',
      details: unknown,
    };
  }
  if (channels.file === null) {
    return { name: 'channels', status: 'ok', message: 'Notifications: no channels (FARAMESH_CHANNELS_FILE not set)' };
  }
  return {
    name: 'channels',
    status: 'ok',
    message: `Notifications: ${channels.webhooks.length} webhook(s)${slack === null ? '' : `, ${slack.channels.length} Slack channel(s)`}${email.length > 0 ? `, ${email.length} email channel(s)` : ''} from ${channels.file}`,
    details: [
      ...channels.webhooks.map(
        (w) =>
          `${w.name} → ${w.url.origin}${w.url.pathname} (events ${w.events.join(', ')}; ${w.keys.length === 2 ? 'two secrets: rotating' : 'one secret'})`,
      ),
      ...(slack?.channels ?? []).map(
        (c) =>
          `${c.name} → Slack ${'channel' in c.target ? `channel ${c.target.channel}` : `DM to ${c.target.dm}`} via ${slack?.apiUrl.origin} (${c.allPending ? 'every pending action' : "rules' notify only"}; users: ${slack?.users.size ?? 0} mapped${slack?.usersByEmail ? ', others by email' : ''})`,
      ),
      ...email.map(
        (e) =>
          `${e.name} → smtp ${e.smtp.host}:${e.smtp.port} (${e.smtp.secure ? 'TLS' : `STARTTLS ${e.smtp.starttls}`}; ${e.recipients.length} recipient entr${e.recipients.length === 1 ? 'y' : 'ies'}; ${e.linkOnly ? 'link-only approval' : 'sign-in required'})`,
      ),
    ],
  };
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@faramesh/store';
import { QUORUM_POLICY, startQuorumServer } from '../service/approval-testing.test-support.js';
import {
  type SlackStandin,
  type StandinUser,
  slackChannelsYaml,
  slackSecrets,
  startSlackStandin,
} from './slack-standin.test-support.js';

/** Slack user ids of the quorum fixture's identities (see approval-testing.test-support.ts). */
export const SLACK_USERS = {
  alice: 'U0ALICE',
  bob: 'U0BOB',
  carol: 'U0CAROL',
  dave: 'U0DAVE',
  erin: 'U0ERIN',
  bot: 'U0BOT',
} as const;

/** Outbox settings that retry within milliseconds, so outages and waits are short in tests. */
export const FAST_DELIVERY =
  'delivery: { backoff_base_ms: 20, backoff_max_ms: 100, poll_ms: 20, max_attempts: 100, lease_ms: 5000 }';

/**
 * The quorum fixture (`startQuorumServer`: two of finance approve refunds, named identities) on a
 * SQLite file, on the real clock, listening on a port, with a Slack stand-in and a channels file
 * whose `slack:` section maps SLACK_USERS to the identities. `channelsYaml` adds other sections
 * (webhooks, email) to the same file; `env` their secrets.
 */
export async function startSlackQuorumServer(
  options: {
    policy?: string;
    /** `slack.channels` entries (YAML, indented 4); default: `approvals`, every pending action. */
    channels?: string;
    users?: Record<string, string>;
    usersByEmail?: boolean;
    standinUsers?: Record<string, StandinUser>;
    channelsYaml?: string;
    env?: Record<string, string>;
    publicUrl?: string;
  } = {},
) {
  const secrets = slackSecrets();
  const standin: SlackStandin = await startSlackStandin({ ...secrets, users: options.standinUsers ?? {} });
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-slack-'));
  const channelsFile = join(dir, 'channels.yaml');
  const users =
    options.users ?? Object.fromEntries(Object.entries(SLACK_USERS).map(([name, id]) => [id, name] as const));
  writeFileSync(
    channelsFile,
    `${slackChannelsYaml(standin, {
      users,
      ...(options.channels !== undefined && { channels: options.channels }),
      ...(options.usersByEmail !== undefined && { usersByEmail: options.usersByEmail }),
    })}${options.channelsYaml ?? ''}\n${FAST_DELIVERY}\n`,
  );
  const quorum = await startQuorumServer({
    realTime: true,
    policy: options.policy ?? QUORUM_POLICY,
    store: createSqliteStore({ path: join(dir, 'actions.db') }),
    env: {
      FARAMESH_CHANNELS_FILE: channelsFile,
      SLACK_BOT_TOKEN: secrets.botToken,
      SLACK_SIGNING_SECRET: secrets.signingSecret,
      FARAMESH_PUBLIC_URL: options.publicUrl ?? 'https://faramesh.example.com',
      ...options.env,
    },
  });
  const { url } = await quorum.server.listen();
  return {
    ...quorum,
    standin,
    secrets,
    url,
    dir,
    /** The named identity presses Approve or Deny on the action's Slack message. */
    press: (who: keyof typeof SLACK_USERS | string, actionId: string, decision: 'approve' | 'deny' = 'approve') =>
      standin.press(url, who in SLACK_USERS ? SLACK_USERS[who as keyof typeof SLACK_USERS] : who, actionId, decision),
    async close() {
      await quorum.server.close();
      await standin.close();
    },
  };
}

export type SlackQuorumServer = Awaited<ReturnType<typeof startSlackQuorumServer>>;

import type { ActionRecord, Store } from '@faramesh/store';
import type { Authenticator } from '../auth/authenticator.js';
import type { ApprovalService } from '../service/approval-service.js';
import type { IdentityDirectory } from './email-recipients.js';
import { SlackChannel } from './slack-channel.js';
import type { SlackConfig } from './slack-config.js';
import { SlackIdentities, slackProfileLookup } from './slack-identities.js';
import { SlackInteractions } from './slack-interactions.js';
import { SlackResponder } from './slack-responder.js';
import { SlackReplayGuard } from './slack-signature.js';
import { createSlackClient } from './slack-web-client.js';

/** Slack answers an interaction only if it is acknowledged within 3 s: a profile lookup gets less. */
const LOOKUP_TIMEOUT_MS = 2000;

/** The channels of the `slack:` section, each posting through the app's client via the outbox. */
export function slackChannels(
  slack: SlackConfig | null,
  deps: {
    store: Store;
    publicUrl: string | null;
    ruleNotify(action: ActionRecord): readonly string[] | null;
    directory: IdentityDirectory;
    owner: string;
    now: () => Date;
  },
): SlackChannel[] {
  if (slack === null) return [];
  const { store } = deps;
  if (store.outbox === undefined || store.slackMessages === undefined) {
    throw Object.assign(new Error('FARAMESH_CHANNELS_FILE configures Slack, but this store keeps no Slack messages'), {
      code: 'config_invalid',
    });
  }
  const client = createSlackClient(slack);
  return slack.channels.map(
    (config) =>
      new SlackChannel({
        config,
        client,
        getAction: (id) => store.getAction(id),
        messages: store.slackMessages as NonNullable<Store['slackMessages']>,
        outbox: store.outbox as NonNullable<Store['outbox']>,
        publicUrl: deps.publicUrl,
        ruleNotify: deps.ruleNotify,
        users: slack.users,
        directory: deps.directory,
        owner: deps.owner,
        lockMs: slack.timeoutMs + 5000,
        now: deps.now,
      }),
  );
}

/** `POST /v1/slack/interactions`' handler and the sender of its ephemeral answers. */
export function slackInteractions(
  slack: SlackConfig,
  deps: { auth: Authenticator; store: Store; approvals: ApprovalService; now: () => Date },
): { interactions: SlackInteractions; responder: SlackResponder } {
  const responder = new SlackResponder(slack.apiUrl);
  const client = createSlackClient({ ...slack, timeoutMs: Math.min(slack.timeoutMs, LOOKUP_TIMEOUT_MS) });
  const interactions = new SlackInteractions({
    signingSecrets: slack.signingSecrets.map((secret) => secret.reveal()),
    identities: new SlackIdentities(slack, slackProfileLookup(client), deps.now),
    principalNamed: (name) => deps.auth.principalNamed(name),
    getAction: (id) => deps.store.getAction(id),
    decide: (id, body, principal, via) => deps.approvals.decide(id, body, principal, via),
    respond: (url, text) => responder.respond(url, text),
    replay: new SlackReplayGuard(),
    now: deps.now,
  });
  return { interactions, responder };
}

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { blockKitProblems } from './slack-block-kit-check.test-support.js';
import { slackSignature } from './slack-signature.js';

/** One Web API call the stand-in received. */
export interface StandinCall {
  method: string;
  args: Record<string, unknown>;
  /** What the stand-in answered: `ok`, Slack's error name, `http_503` during an outage, `hung` (never). */
  outcome: string;
}

/** A message the stand-in holds, as last posted or updated. */
export interface StandinMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: Array<Record<string, unknown>>;
  /** Every version: the post, then each update. */
  history: Array<{ text: string; blocks: Array<Record<string, unknown>> }>;
}

export interface StandinUser {
  email?: string;
  deleted?: boolean;
  is_bot?: boolean;
}

/** A fresh bot token and signing secret shaped like Slack's. */
export function slackSecrets() {
  return { botToken: `xoxb-${randomBytes(12).toString('hex')}`, signingSecret: randomBytes(16).toString('hex') };
}

/**
 * A local stand-in for the Slack Web API (Slack itself can't be reached from here), a real HTTP
 * server at `apiUrl`. Like Slack it takes only POST, wants `Authorization: Bearer <bot token>`,
 * reads form-encoded (as @slack/web-api sends) or JSON arguments, and answers `{ok, …}` with
 * Slack's error names; it checks every Block Kit message against Slack's documented structure and
 * limits. It implements chat.postMessage, chat.update, users.info and conversations.open, records
 * every call, can be taken down (`outage`), receives ephemeral answers at its `response_url`s, and
 * builds and signs interaction payloads as Slack documents them to POST to Faramesh.
 */
export async function startSlackStandin(options: {
  botToken: string;
  signingSecret: string;
  users?: Record<string, StandinUser>;
}) {
  const calls: StandinCall[] = [];
  /** Requests Slack would reject for their shape (wrong method, header, Block Kit): tests expect none. */
  const violations: string[] = [];
  const messages = new Map<string, StandinMessage>();
  const responses: Array<{ id: string; body: Record<string, unknown> }> = [];
  const users = new Map(Object.entries(options.users ?? {}));
  const state = { outage: false, hang: false, seq: 0 };
  const held = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://standin');
      if (url.pathname.startsWith('/response/')) {
        responses.push({ id: url.pathname.slice('/response/'.length), body: JSON.parse(body || '{}') });
        return json(res, 200, { ok: true });
      }
      if (!url.pathname.startsWith('/api/')) return json(res, 404, { ok: false, error: 'unknown_method' });
      webApi(url.pathname.slice('/api/'.length), req, body, res);
    });
  });

  function webApi(method: string, req: IncomingMessage, body: string, res: ServerResponse) {
    if (req.method !== 'POST') violations.push(`${method}: ${req.method}, not POST`);
    const args = parseArgs(req.headers['content-type'], body, method);
    const answer = (outcome: string, result: Record<string, unknown> = {}) => {
      calls.push({ method, args, outcome });
      json(res, 200, outcome === 'ok' ? { ok: true, ...result } : { ok: false, error: outcome, ...result });
    };
    if (state.hang) {
      // Taken in, never answered: the caller sees a request that never ends (until it gives up or dies).
      calls.push({ method, args, outcome: 'hung' });
      held.add(res);
      return;
    }
    if (state.outage) {
      calls.push({ method, args, outcome: 'http_503' });
      return json(res, 503, { ok: false, error: 'service_unavailable' });
    }
    const auth = req.headers.authorization;
    if (auth === undefined) return answer('not_authed');
    if (auth !== `Bearer ${options.botToken}`) return answer('invalid_auth');
    switch (method) {
      case 'chat.postMessage':
      case 'chat.update': {
        const problems = blockKitProblems(args.blocks, args.text);
        if (typeof args.channel !== 'string' || args.channel === '') problems.push('channel: required');
        if (problems.length > 0) {
          violations.push(...problems.map((p) => `${method}: ${p}`));
          return answer('invalid_blocks', { errors: problems });
        }
        const channel = args.channel as string;
        const version = { text: String(args.text ?? ''), blocks: args.blocks as Array<Record<string, unknown>> };
        if (method === 'chat.update') {
          const found = messages.get(`${channel}/${String(args.ts)}`);
          if (found === undefined) return answer('message_not_found');
          Object.assign(found, version);
          found.history.push(version);
          return answer('ok', { channel, ts: found.ts });
        }
        state.seq += 1;
        const ts = `${1_700_000_000 + state.seq}.${String(state.seq).padStart(6, '0')}`;
        messages.set(`${channel}/${ts}`, { channel, ts, ...version, history: [version] });
        return answer('ok', { channel, ts, message: { ts, ...version } });
      }
      case 'users.info': {
        const id = String(args.user);
        const user = users.get(id);
        if (user === undefined) return answer('user_not_found');
        return answer('ok', {
          user: { id, deleted: user.deleted === true, is_bot: user.is_bot === true, profile: { email: user.email } },
        });
      }
      case 'conversations.open': {
        const id = String(args.users);
        if (!/^[UW][A-Z0-9]+$/.test(id)) return answer('user_not_found');
        return answer('ok', { channel: { id: `D${id.slice(1)}` } });
      }
      default:
        return answer('unknown_method');
    }
  }

  function parseArgs(contentType: string | undefined, body: string, method: string): Record<string, unknown> {
    if (contentType?.startsWith('application/json')) return JSON.parse(body || '{}');
    if (!contentType?.startsWith('application/x-www-form-urlencoded')) {
      violations.push(`${method}: content-type ${contentType ?? 'missing'}`);
    }
    const args: Record<string, unknown> = Object.fromEntries(new URLSearchParams(body));
    if (typeof args.blocks === 'string') {
      try {
        args.blocks = JSON.parse(args.blocks);
      } catch {
        violations.push(`${method}: blocks are not JSON`);
      }
    }
    return args;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const origin = `http://127.0.0.1:${port}`;

  const standin = {
    apiUrl: `${origin}/api/`,
    calls,
    violations,
    messages,
    responses,
    users,
    /** While true, every Web API call answers HTTP 503. */
    set outage(down: boolean) {
      state.outage = down;
    },
    get outage() {
      return state.outage;
    },
    /** While true, every Web API call is taken in and never answered (nothing it asks for happens). */
    set hang(hang: boolean) {
      state.hang = hang;
    },
    /** Calls of one method that succeeded. */
    succeeded(method: string): StandinCall[] {
      return calls.filter((c) => c.method === method && c.outcome === 'ok');
    },
    /** The message whose buttons decide Faramesh action `actionId`, as it is now (undefined if none). */
    messageFor(actionId: string): StandinMessage | undefined {
      return [...messages.values()].find((m) => JSON.stringify(m.history[0]?.blocks ?? []).includes(actionId));
    },
    /** The action ids of the message's buttons (none once decided). */
    buttons(message: StandinMessage): string[] {
      return message.blocks
        .filter((b) => b.type === 'actions')
        .flatMap((b) => (b.elements as Array<Record<string, unknown>>).map((e) => String(e.action_id)));
    },
    /** All the message's text, for assertions. */
    textOf(message: StandinMessage): string {
      return JSON.stringify(message.blocks);
    },
    /**
     * A `block_actions` payload as Slack sends it when `userId` presses the button `actionIdOfButton`
     * on `message` (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload).
     */
    blockActions(userId: string, message: StandinMessage, actionIdOfButton: string) {
      const responseId = randomBytes(6).toString('hex');
      const element = message.blocks
        .filter((b) => b.type === 'actions')
        .flatMap((b) => b.elements as Array<Record<string, unknown>>)
        .find((e) => e.action_id === actionIdOfButton);
      return {
        responseId,
        payload: {
          type: 'block_actions',
          user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T0STANDIN' },
          api_app_id: 'A0STANDIN',
          token: 'legacy-verification-token-unused',
          container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
          trigger_id: `${Date.now()}.0.${responseId}`,
          team: { id: 'T0STANDIN', domain: 'standin' },
          enterprise: null,
          is_enterprise_install: false,
          channel: { id: message.channel, name: 'approvals' },
          message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks },
          state: { values: {} },
          response_url: `${origin}/response/${responseId}`,
          actions: [
            {
              action_id: actionIdOfButton,
              block_id: 'faramesh_decision',
              text: element?.text ?? { type: 'plain_text', text: 'button' },
              value: element?.value,
              ...(element?.style !== undefined && { style: element.style }),
              type: 'button',
              action_ts: `${Date.now() / 1000}`,
            },
          ],
        },
      };
    },
    /** The body and headers of a signed interaction request (form-encoded `payload=`), as Slack sends them. */
    signed(payload: unknown, opts: { timestampSeconds?: number; secret?: string } = {}) {
      const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const timestamp = String(opts.timestampSeconds ?? Math.floor(Date.now() / 1000));
      return {
        body,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': slackSignature(opts.secret ?? options.signingSecret, timestamp, body),
          'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        },
      };
    },
    /**
     * `userId` presses Approve or Deny on the message of Faramesh action `actionId`: the signed
     * payload is POSTed to `farameshUrl`'s interactivity endpoint. Returns the HTTP status and the
     * id under which the ephemeral answer arrives (see `ephemeral`).
     */
    async press(farameshUrl: string, userId: string, actionId: string, decision: 'approve' | 'deny') {
      const message = standin.messageFor(actionId);
      if (message === undefined) throw new Error(`no Slack message for action ${actionId}`);
      const button = message.history[0]?.blocks
        .filter((b) => b.type === 'actions')
        .flatMap((b) => b.elements as Array<Record<string, unknown>>)
        .map((e) => String(e.action_id))
        .find((id) => id.startsWith(`faramesh:${decision}:${actionId}:`));
      if (button === undefined) throw new Error(`the message has no ${decision} button`);
      const { payload, responseId } = standin.blockActions(userId, message, button);
      const { body, headers } = standin.signed(payload);
      const response = await fetch(new URL('/v1/slack/interactions', farameshUrl), { method: 'POST', headers, body });
      return { status: response.status, body: await response.text(), responseId };
    },
    /** The ephemeral text sent to a response_url, once it arrives. */
    ephemeral(responseId: string): { text: string; response_type: unknown } | undefined {
      const found = responses.find((r) => r.id === responseId);
      return found === undefined ? undefined : (found.body as { text: string; response_type: unknown });
    },
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return standin;
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

export type SlackStandin = Awaited<ReturnType<typeof startSlackStandin>>;

/** A channels file `slack:` section pointing at the stand-in (secrets by environment variable name). */
export function slackChannelsYaml(
  standin: SlackStandin,
  options: { channels?: string; users?: Record<string, string>; usersByEmail?: boolean; extra?: string } = {},
): string {
  const users = Object.entries(options.users ?? {});
  return `slack:
  bot_token_env: SLACK_BOT_TOKEN
  signing_secret_env: SLACK_SIGNING_SECRET
  api_url: ${standin.apiUrl}
  timeout_ms: 2000
  users_by_email: ${options.usersByEmail ?? false}
${users.length === 0 ? '' : `  users:\n${users.map(([id, name]) => `    ${id}: ${name}`).join('\n')}\n`}  channels:
${options.channels ?? '    approvals: { channel: C0APPROVALS, all_pending: true }'}
${options.extra ?? ''}
`;
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSqliteStore } from '@faramesh/store';
import type { LightMyRequestResponse } from 'fastify';
import { startTestServer } from '../testing/test-server.js';
import { type CapturedMail, linksOf, type SmtpCapture, startSmtpCapture } from './email-smtp.test-support.js';
import { eventually } from './webhook-receiver.test-support.js';

export const LINK_SECRET = 'email-link-secret-for-tests-0123456789';
export const PUBLIC_URL = 'https://faramesh.corp.example';
export const AGENT_TOKEN = 'bot-agent-token-0001';
export const BOB_TOKEN = 'bob-approver-token-02';

/** Shell needs two of finance (alice and carol by email, bob by token name); each is mailed. */
export const EMAIL_POLICY = `
groups:
  finance: [alice@corp.example, "user:bob", carol@corp.example]
rules:
  - match: { tool: shell }
    require_approval: true
    description: Shell commands need two of finance
    approvers: [finance]
    approvals: 2
    notify: [team-email]
  - match: { tool: "*" }
    allow: true
`;

export interface EmailServerOptions {
  /** Extra lines of the `team-email` channel (e.g. `link_only: false`). Default: `link_only: true`. */
  channel?: string;
  /** The channel's recipients. Default: `[approvers]`. */
  recipients?: string;
  /** More top-level sections of the channels file (e.g. another channel kind for a mixed quorum). */
  extraChannels?: string;
  env?: Record<string, string>;
  policy?: string;
}

/**
 * An in-process server on a SQLite file with one email channel, `team-email`, sending to a real SMTP
 * server (`smtp-server`, parsed by `mailparser`) and to `approvers` of the action; a clock the test
 * can move forward; helpers to submit as the agent, wait for each recipient's message and follow its
 * links. Reusable for quorum tests that mix channels: approve 1 of 2 by an email link with
 * `confirm(link)`, the other by any other path (`BOB_TOKEN` over the API, a Slack stand-in, …).
 */
export async function startEmailServer(options: EmailServerOptions = {}) {
  const smtp: SmtpCapture = await startSmtpCapture();
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-email-'));
  const channels = join(dir, 'channels.yaml');
  writeFileSync(
    channels,
    `email:
  team-email:
    smtp: { host: 127.0.0.1, port: ${smtp.port}, starttls: never, timeout_ms: 5000 }
    from: "Faramesh <faramesh@corp.example>"
    recipients: ${options.recipients ?? '[approvers]'}
${options.channel ?? '    link_only: true'}
delivery: { backoff_base_ms: 20, backoff_max_ms: 100, poll_ms: 20, max_attempts: 3 }
${options.extraChannels ?? ''}`,
  );
  const clock = { offsetMs: 0 };
  const server = await startTestServer({
    policy: options.policy ?? EMAIL_POLICY,
    store: createSqliteStore({ path: join(dir, 'actions.db') }),
    now: () => new Date(Date.now() + clock.offsetMs),
    env: {
      FARAMESH_CHANNELS_FILE: channels,
      FARAMESH_PUBLIC_URL: PUBLIC_URL,
      FARAMESH_EMAIL_LINK_SECRET: LINK_SECRET,
      FARAMESH_TOKENS: `bot:agent:${AGENT_TOKEN},bob:approver:${BOB_TOKEN}`,
      FARAMESH_TOKEN_EMAILS: 'bob=bob@corp.example',
      ...options.env,
    },
  });
  const asAgent = { authorization: `Bearer ${AGENT_TOKEN}` };

  /** The path and query of a link (the server is in process; its public URL is only in the message). */
  const local = (link: string) => {
    const url = new URL(link);
    return `${url.pathname}${url.search}`;
  };
  const tokenOf = (link: string) => new URL(link).searchParams.get('t') ?? '';

  return {
    server,
    smtp,
    clock,
    async submit(cmd = 'ls -la /srv/data') {
      const res = await server.app.inject({
        method: 'POST',
        url: '/v1/actions',
        headers: asAgent,
        payload: { agent_id: 'bot', tool: 'shell', operation: 'run', params: { cmd } },
      });
      if (res.statusCode !== 201) throw new Error(`submit failed: ${res.body}`);
      return res.json() as { id: string; status: string; request_hash: string };
    },
    async action(id: string) {
      const res = await server.app.inject({ method: 'GET', url: `/v1/actions/${id}`, headers: asAgent });
      return res.json() as Record<string, unknown> & { status: string; approvals: { by: string }[] };
    },
    async events(id: string) {
      const res = await server.app.inject({ method: 'GET', url: `/v1/actions/${id}/events`, headers: asAgent });
      return (res.json() as { event_type: string; meta: Record<string, unknown> }[]).map((e) => e.event_type);
    },
    /** Waits for the message of `address` about `actionId`. */
    async mailFor(address: string, actionId: string): Promise<CapturedMail> {
      return eventually(() =>
        smtp.messages.find((m) => m.to.includes(address) && m.mail.headers.get('x-faramesh-action') === actionId),
      );
    },
    linksOf,
    /** GET the link as a browser would (Accept: text/html) or as an API client. */
    follow(link: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
      return server.app.inject({ method: 'GET', url: local(link), headers });
    },
    /** POST the confirmation of a link as JSON: the form token read from its GET (or given). */
    async confirm(
      link: string,
      options: { cookie?: string; csrf?: string | null; reason?: string; accept?: string } = {},
    ): Promise<LightMyRequestResponse> {
      const headers: Record<string, string> = {
        ...(options.cookie !== undefined && { cookie: options.cookie }),
        ...(options.accept !== undefined && { accept: options.accept }),
      };
      let csrf = options.csrf;
      if (csrf === undefined) {
        const opened = await server.app.inject({
          method: 'GET',
          url: local(link),
          headers: { ...headers, accept: 'application/json' },
        });
        csrf = (opened.json() as { csrf_token?: string }).csrf_token ?? null;
      }
      return server.app.inject({
        method: 'POST',
        url: '/email/approval',
        headers,
        payload: {
          t: tokenOf(link),
          ...(csrf !== null && { csrf }),
          ...(options.reason !== undefined && { reason: options.reason }),
        },
      });
    },
    async close() {
      await server.close();
      await smtp.close();
    },
  };
}

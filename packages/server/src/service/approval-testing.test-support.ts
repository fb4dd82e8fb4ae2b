import type { Store } from '@faramesh/store';
import { startTestServer } from '../testing/test-server.js';

/** Two of finance approve refunds; from ten minutes on sre may too; half an hour to decide. */
export const QUORUM_POLICY = `
groups:
  finance: [alice, bob, carol]
  sre: [dave]
rules:
  - match: { tool: stripe, op: refund }
    require_approval: true
    description: Refunds need two of finance
    approvers: [finance]
    approvals: 2
    expires_in: 30m
    escalate:
      - after: 10m
        approvers: [sre]
        notify: ["user:vp"]
  - match: { tool: shell }
    require_approval: true
    description: Shell needs one approver
  - match: { tool: "*" }
    allow: true
`;

/** Named identities: finance (alice, bob; carol is an admin who also submits), sre (dave), outsider erin, agent bot. */
export const TOKENS = {
  alice: 'alice-token-0001',
  bob: 'bob-token-00002',
  carol: 'carol-token-0003',
  dave: 'dave-token-00004',
  erin: 'erin-token-00005',
  bot: 'bot-token-000006',
} as const;

export type Who = keyof typeof TOKENS;

export const TOKENS_ENV = [
  `alice:approver:${TOKENS.alice}`,
  `bob:approver:${TOKENS.bob}`,
  `carol:admin:${TOKENS.carol}`,
  `dave:approver:${TOKENS.dave}`,
  `erin:approver:${TOKENS.erin}`,
  `bot:agent:${TOKENS.bot}`,
].join(',');

export const REFUND = { agent_id: 'bot', tool: 'stripe', operation: 'refund', params: { amount: 5000 } };

/** A server with the quorum policy and named identities, a clock the test moves, and a caller per identity. */
export async function startQuorumServer(
  /** `realTime`: the server runs on the real clock (`clock` is then unused), e.g. for outbox retries. */
  options: { store?: Store; env?: Record<string, string>; policy?: string; realTime?: boolean } = {},
) {
  const clock = { now: Date.parse('2030-01-01T00:00:00.000Z') };
  const server = await startTestServer({
    policy: options.policy ?? QUORUM_POLICY,
    env: { FARAMESH_TOKENS: TOKENS_ENV, FARAMESH_APPROVAL_TTL: '3600', ...options.env },
    ...(options.realTime !== true && { now: () => new Date(clock.now) }),
    ...(options.store !== undefined && { store: options.store }),
  });
  const call = (who: Who, method: 'GET' | 'POST', url: string, payload?: object) =>
    server.app.inject({
      method,
      url,
      ...(payload !== undefined && { payload }),
      headers: { authorization: `Bearer ${TOKENS[who]}` },
    });
  const submit = async (who: Who = 'bot', request: object = REFUND) => {
    const response = await call(who, 'POST', '/v1/actions', request);
    if (response.statusCode !== 201) throw new Error(`submit failed: ${response.body}`);
    const action = response.json();
    // Agents never see the approval token; approvers read it from the action.
    const token = (await call('alice', 'GET', `/v1/actions/${action.id}`)).json().approval_token as string;
    return { ...action, approval_token: token } as { id: string; approval_token: string; [key: string]: unknown };
  };
  const decide = (who: Who, action: { id: string; approval_token: string }, approve = true, reason?: string) =>
    call(who, 'POST', `/v1/actions/${action.id}/approval`, {
      token: action.approval_token,
      approve,
      ...(reason !== undefined && { reason }),
    });
  const eventTypes = async (id: string) =>
    (await call('alice', 'GET', `/v1/actions/${id}/events`)).json().map((e: { event_type: string }) => e.event_type);
  return { server, clock, call, submit, decide, eventTypes };
}

import type { Store } from '@faramesh/store';
import { expect } from 'vitest';
import { startTestServer } from '../testing/test-server.js';

/** For the shadow policy's server tests: identities, a candidate policy and the calls they make. */

export type Server = Awaited<ReturnType<typeof startTestServer>>;

export const ADMIN = 'admin-token-000000000001';
export const APPROVER = 'approver-token-00000001';
export const AGENT = 'agent-token-0000000001';
export const TOKENS = { FARAMESH_TOKENS: `root:admin:${ADMIN},ann:approver:${APPROVER},bot:agent:${AGENT}` };
export const as = (token: string) => ({ authorization: `Bearer ${token}` });

// The candidate: HTTP GETs now need approval, shell is denied outright, the rest as before.
export const CANDIDATE = `version: candidate
rules:
  - match: { tool: http, op: get }
    require_approval: true
    description: Review HTTP GET requests
  - match: { tool: shell, op: "*" }
    deny: true
    description: No shell at all
  - match: { tool: stripe, op: "*" }
    allow: true
    description: Small Stripe operations
  - match: { tool: "*", op: "*" }
    deny: true
    description: Default deny rule
`;

/** Servers started by `start`, for the test file's afterEach to close. */
export const servers: Server[] = [];

export async function closeServers(): Promise<void> {
  for (const server of servers.splice(0)) await server.close();
}

export async function start(store: Store, env: Record<string, string> = {}, now?: () => Date): Promise<Server> {
  const server = await startTestServer({ store, env: { ...TOKENS, ...env }, ...(now !== undefined && { now }) });
  servers.push(server);
  return server;
}

export async function submit(server: Server, tool: string, operation: string, params = {}) {
  const res = await server.app.inject({
    method: 'POST',
    url: '/v1/actions',
    headers: as(AGENT),
    payload: { agent_id: 'bot', tool, operation, params },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; status: string; decision: string; shadow?: unknown };
}

export async function setShadow(server: Server, yaml = CANDIDATE, token = ADMIN) {
  return server.app.inject({
    method: 'POST',
    url: '/v1/policy/shadow',
    headers: { ...as(token), 'content-type': 'application/yaml' },
    payload: yaml,
  });
}

export const get = (server: Server, url: string, token = ADMIN) =>
  server.app.inject({ method: 'GET', url, headers: as(token) });

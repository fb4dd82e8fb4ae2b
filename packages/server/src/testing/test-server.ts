import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, type Store } from '@faramesh/store';
import { resolveConfig, type ServerConfig } from '../config/config.js';
import { createServer, type FarameshServer } from '../server.js';

export const TEST_POLICY = `
rules:
  - match: { tool: http, op: get }
    allow: true
    description: Allow HTTP GET requests
    risk: low
  - match: { tool: shell, op: "*" }
    require_approval: true
    description: Shell commands require approval
    risk: medium
  - match: { tool: stripe, op: refund, amount_gt: 1000 }
    require_approval: true
    description: Large refunds require approval
  - match: { tool: stripe, op: "*" }
    allow: true
    description: Small Stripe operations
  - match: { tool: "*", op: "*" }
    deny: true
    description: Default deny rule
    risk: high
risk:
  rules:
    - name: dangerous_shell
      when: { tool: shell, pattern: "rm -rf|shutdown" }
      risk_level: high
`;

export interface TestServerOptions {
  env?: Record<string, string>;
  policy?: string;
  store?: Store;
  now?: () => Date;
}

/** A server on a memory store (unless given one) with a temp policy file; for in-process tests. */
export async function startTestServer(
  options: TestServerOptions = {},
): Promise<FarameshServer & { dir: string; config: ServerConfig }> {
  const dir = mkdtempSync(join(tmpdir(), 'faramesh-test-'));
  // The repository's vitest setup file (tests/temp-dirs.ts) removes what is in this set after each
  // test file; elsewhere there is no set and the directory stays, as before.
  (globalThis as { [key: symbol]: Set<string> | undefined })[Symbol.for('faramesh.test.tempDirs')]?.add(dir);
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, options.policy ?? TEST_POLICY);
  const config = resolveConfig({ policyFile, port: 0 }, { FARAMESH_SSE_HEARTBEAT_MS: '200', ...options.env }, {}, dir);
  const server = await createServer(config, {
    store: options.store ?? createMemoryStore(),
    // Tests look at /ready right after changing what it checks: no cached report.
    readinessCacheMs: 0,
    ...(options.now !== undefined && { now: options.now }),
  });
  return Object.assign(server, { dir, config });
}

import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../../../tests/e2e/harness.js';
import {
  AGENT_TOKEN,
  freePort,
  type GovernanceServer,
  startGovernanceServer,
} from '../../../tests/integrations/harness.js';

const FIXTURE = resolve(import.meta.dirname, '../fixtures/counting-server.mjs');

let gov: GovernanceServer;
beforeAll(async () => {
  gov = await startGovernanceServer();
});
afterAll(async () => {
  await gov?.stop();
});

const open: Client[] = [];
afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((c) => c.close()));
});

/** An MCP client talking to `faramesh mcp -- node counting-server.mjs`, as an IDE would. */
async function connectGateway(baseUrl: string) {
  const callsFile = join(mkdtempSync(join(tmpdir(), 'faramesh-mcp-')), 'calls.jsonl');
  const { hostname, port } = new URL(baseUrl);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      BIN,
      '--host',
      hostname,
      '--port',
      port,
      '--token',
      AGENT_TOKEN,
      'mcp',
      '--name',
      'files',
      '--',
      process.execPath,
      FIXTURE,
    ],
    env: { PATH: process.env.PATH ?? '', CALLS_FILE: callsFile },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(transport);
  open.push(client);
  const calls = () =>
    existsSync(callsFile)
      ? readFileSync(callsFile, 'utf8')
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { name: string; args: unknown })
      : [];
  return { client, calls };
}

function text(result: unknown): string {
  return ((result as { content: { text?: string }[] }).content ?? []).map((c) => c.text ?? '').join('');
}

describe('faramesh mcp', () => {
  it('passes tools/list, resources and prompts through unchanged', async () => {
    const { client } = await connectGateway(gov.url);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['delete_file', 'get_weather', 'send_email']);
    const resource = await client.readResource({ uri: 'file:///readme.txt' });
    expect(resource.contents[0]).toMatchObject({ text: 'hello from upstream' });
    const prompt = await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
    expect(prompt.messages[0]?.content).toMatchObject({ text: 'Hello Ada' });
  });

  it('forwards an allowed call and records it as mcp:<server> / tool name', async () => {
    const { client, calls } = await connectGateway(gov.url);
    const result = await client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } });
    expect(text(result)).toBe('sunny in Oslo');
    expect(calls()).toEqual([{ name: 'get_weather', args: { city: 'Oslo' } }]);
    const [latest] = await gov.actions();
    expect(latest).toMatchObject({
      tool: 'mcp:files',
      operation: 'get_weather',
      params: { city: 'Oslo' },
      status: 'succeeded',
    });
  });

  it('answers a denied call with an MCP error result and never forwards it', async () => {
    const { client, calls } = await connectGateway(gov.url);
    const result = await client.callTool({ name: 'delete_file', arguments: { path: '/etc' } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('Agents never delete files');
    expect(calls()).toEqual([]);
  });

  it('holds a call until it is approved, then forwards it exactly once with the approved arguments', async () => {
    const { client, calls } = await connectGateway(gov.url);
    const pending = client.callTool({ name: 'send_email', arguments: { to: 'mcp@example.com' } });
    const approved = await gov.decideNext({ tool: 'mcp:files', operation: 'send_email' }, true);
    expect(text(await pending)).toBe('sent to mcp@example.com');
    expect(calls()).toEqual([{ name: 'send_email', args: approved.params }]);
  });

  it('never forwards a call the approver denies', async () => {
    const { client, calls } = await connectGateway(gov.url);
    const pending = client.callTool({ name: 'send_email', arguments: { to: 'no-mcp@example.com' } });
    await gov.decideNext(
      { tool: 'mcp:files', operation: 'send_email', match: (a) => a.params.to === 'no-mcp@example.com' },
      false,
      'nope',
    );
    const result = await pending;
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('nope');
    expect(calls()).toEqual([]);
  });

  it('withdraws the pending action when the client cancels the call while it waits', async () => {
    const { client, calls } = await connectGateway(gov.url);
    const abort = new AbortController();
    const call = client
      .callTool({ name: 'send_email', arguments: { to: 'cancel-mcp@example.com' } }, undefined, {
        signal: abort.signal,
      })
      .catch((e: unknown) => e);
    const pendingCall = async () =>
      (await gov.approver.listActions({ status: 'pending_approval', tool: 'mcp:files' })).items.find(
        (a) => a.params.to === 'cancel-mcp@example.com',
      );
    await expect.poll(pendingCall, { timeout: 10_000, interval: 25 }).toBeDefined();
    const action = await pendingCall();
    abort.abort();
    expect(await call).toBeInstanceOf(Error);
    await expect
      .poll(async () => (await gov.approver.getAction(action!.id)).status, { timeout: 10_000 })
      .toBe('cancelled');
    expect(calls()).toEqual([]);
  });

  it('fails closed when Faramesh is unreachable', async () => {
    const { client, calls } = await connectGateway(`http://127.0.0.1:${await freePort()}`);
    const result = await client.callTool({ name: 'get_weather', arguments: { city: 'Oslo' } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('cannot reach Faramesh');
    expect(calls()).toEqual([]);
  });
});

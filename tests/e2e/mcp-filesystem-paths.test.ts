import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_TOKEN, type GovernanceServer, startGovernanceServer } from '../integrations/harness.js';
import { BIN, ROOT } from './harness.js';

// Issue 12 §1b, end to end: `faramesh mcp` in front of the real filesystem MCP server, which is
// allowed the whole work folder, so the policy is the only thing between the agent and the secret.
const FILESYSTEM_SERVER = createRequire(join(ROOT, 'integrations/mcp/package.json')).resolve(
  '@modelcontextprotocol/server-filesystem/dist/index.js',
);
const SECRET = 'TOP-SECRET-KEY-42';

let gov: GovernanceServer;
let client: Client;
let root: string;
let sandbox: string;

function policy(): string {
  return `version: "1"
rules:
  - match: { tool: "mcp:files", path_starts_with: "${sandbox}/secret/" }
    deny: true
    description: "The secret folder is off limits"
  - match: { tool: "mcp:files", op: "read_*", path_starts_with: "${sandbox}/" }
    allow: true
    description: "Reads in the sandbox"
  - match: { tool: "mcp:files", op: move_file, path_starts_with: "${sandbox}/" }
    allow: true
    description: "Moves within the sandbox"
`;
}

beforeAll(async () => {
  // realpath: the filesystem server compares real paths, and the policy must name the same ones.
  root = realpathSync(mkdtempSync(join(tmpdir(), 'faramesh-fs-')));
  sandbox = join(root, 'sandbox');
  mkdirSync(join(sandbox, 'secret'), { recursive: true });
  mkdirSync(join(root, 'outside'));
  writeFileSync(join(sandbox, 'notes.txt'), 'hello from the sandbox');
  writeFileSync(join(sandbox, 'todo.txt'), 'water the plants');
  writeFileSync(join(sandbox, 'secret', 'key.txt'), SECRET);
  gov = await startGovernanceServer({ policy: policy() });
  const { hostname, port } = new URL(gov.url);
  const transport = new StdioClientTransport({
    command: process.execPath,
    // The upstream after `--`: node <filesystem server> <allowed directory>.
    args: [BIN, '--host', hostname, '--port', port, '--token', AGENT_TOKEN, 'mcp', '--name', 'files', '--'].concat([
      process.execPath,
      FILESYSTEM_SERVER,
      root,
    ]),
    env: { PATH: process.env.PATH ?? '' },
    stderr: 'ignore',
  });
  client = new Client({ name: 'test-client', version: '1.0.0' });
  await client.connect(transport);
});

afterAll(async () => {
  await client?.close();
  await gov?.stop();
});

function text(result: unknown): string {
  return ((result as { content?: { text?: string }[] }).content ?? []).map((c) => c.text ?? '').join('\n');
}

async function latestAction(operation: string) {
  const action = (await gov.actions()).find((a) => a.operation === operation);
  if (action === undefined) throw new Error(`no ${operation} action recorded`);
  return action;
}

describe('faramesh mcp in front of the filesystem MCP server', () => {
  it('serves a legitimate read inside the sandbox', async () => {
    const result = await client.callTool({ name: 'read_text_file', arguments: { path: join(sandbox, 'notes.txt') } });
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain('hello from the sandbox');
    expect(await latestAction('read_text_file')).toMatchObject({ status: 'succeeded' });
  });

  it('refuses a traversal into the secret folder', async () => {
    const path = `${sandbox}/x/../secret/key.txt`;
    const result = await client.callTool({ name: 'read_text_file', arguments: { path } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('The secret folder is off limits');
    expect(text(result)).not.toContain(SECRET);
    expect(await latestAction('read_text_file')).toMatchObject({ status: 'denied', params: { path } });
  });

  it('refuses read_multiple_files when one of its paths is secret', async () => {
    const paths = [join(sandbox, 'notes.txt'), join(sandbox, 'secret', 'key.txt')];
    const result = await client.callTool({ name: 'read_multiple_files', arguments: { paths } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('The secret folder is off limits');
    expect(text(result)).not.toContain(SECRET);
    expect(await latestAction('read_multiple_files')).toMatchObject({ status: 'denied' });
  });

  it('serves read_multiple_files when every path is in the sandbox', async () => {
    const paths = [join(sandbox, 'notes.txt'), join(sandbox, 'todo.txt')];
    const result = await client.callTool({ name: 'read_multiple_files', arguments: { paths } });
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain('hello from the sandbox');
    expect(text(result)).toContain('water the plants');
  });

  it('refuses move_file out of the sandbox and leaves the file where it was', async () => {
    const source = join(sandbox, 'todo.txt');
    const destination = join(root, 'outside', 'todo.txt');
    const result = await client.callTool({ name: 'move_file', arguments: { source, destination } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain('no rule matched');
    expect(existsSync(source)).toBe(true);
    expect(existsSync(destination)).toBe(false);
    expect(await latestAction('move_file')).toMatchObject({ status: 'denied' });
  });

  it('performs move_file within the sandbox', async () => {
    writeFileSync(join(sandbox, 'draft.txt'), 'draft');
    const destination = join(sandbox, 'final.txt');
    const result = await client.callTool({
      name: 'move_file',
      arguments: { source: join(sandbox, 'draft.txt'), destination },
    });
    expect(result.isError).toBeFalsy();
    expect(readFileSync(destination, 'utf8')).toBe('draft');
  });
});

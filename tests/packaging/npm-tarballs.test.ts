// Proof from the artifacts a registry would serve: every published workspace is packed with
// `npm pack`, linted (publint, arethetypeswrong), and installed from the tarballs alone into an
// empty project outside the repository (no workspace, no links), where the CLI, the server, the
// dashboard, the types and the examples must work.
import { type ChildProcess, spawn } from 'node:child_process';
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, mustRun, publishedWorkspaces, ROOT, run, TSC, type Workspace, waitForHttp } from './npm-project.js';

interface Packed {
  workspace: Workspace;
  tarball: string;
  size: number;
}

const ATTW = join(ROOT, 'node_modules/@arethetypeswrong/cli/dist/index.js');
const TYPES_NODE = JSON.parse(readFileSync(join(ROOT, 'node_modules/@types/node/package.json'), 'utf8')).version;

let work: string;
let project: string;
let packed: Packed[] = [];
let server: ChildProcess | null = null;
let serverLog = '';
let baseUrl = '';

const npx = (args: string[], env: Record<string, string> = {}) =>
  run('npx', ['--no', '--', ...args], { cwd: project, env: cleanEnv(env) });

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'faramesh-tarballs-'));
  expect(realpathSync(work).startsWith(realpathSync(ROOT))).toBe(false);
  const workspaces = await publishedWorkspaces();
  const out = await mustRun(
    'npm',
    ['pack', '--json', '--pack-destination', work, ...workspaces.flatMap((w) => ['-w', w.location])],
    { cwd: ROOT },
  );
  const results = JSON.parse(out.stdout) as { name: string; filename: string; size: number }[];
  packed = results.map((r) => {
    const workspace = workspaces.find((w) => w.name === r.name);
    if (workspace === undefined) throw new Error(`npm packed an unexpected package ${r.name}`);
    return { workspace, tarball: join(work, r.filename), size: r.size };
  });

  project = join(work, 'project');
  mkdirSync(project);
  // npm 12 runs dependency install scripts only when allowed: better-sqlite3 builds its binding.
  // tree-sitter-bash's native build is not needed (the policy engine loads its .wasm).
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'consumer', private: true, type: 'module', allowScripts: { 'better-sqlite3': true } }, null, 2)}\n`,
  );
  await mustRun(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      ...packed.map((p) => p.tarball),
      `@types/node@${TYPES_NODE}`,
    ],
    { cwd: project },
  );
}, 900_000);

afterAll(async () => {
  if (server?.pid !== undefined && server.exitCode === null) {
    const exited = new Promise((done) => server?.once('exit', done));
    process.kill(-server.pid, 'SIGTERM');
    await exited;
  }
  // The installed project holds a few hundred MB of node_modules.
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

describe('npm tarballs', () => {
  it('packs every published workspace, each with its licence, README and CHANGELOG', () => {
    expect(packed.map((p) => p.workspace.name).sort()).toEqual(
      [
        '@faramesh/ai-sdk',
        '@faramesh/canonical',
        '@faramesh/contract',
        '@faramesh/langchain',
        '@faramesh/langgraph',
        '@faramesh/mcp',
        '@faramesh/openai-agents',
        '@faramesh/policy',
        '@faramesh/sdk',
        '@faramesh/server',
        '@faramesh/store',
        'faramesh',
      ].sort(),
    );
    for (const { workspace } of packed) {
      const installed = join(project, 'node_modules', workspace.name);
      expect(lstatSync(installed).isSymbolicLink(), `${workspace.name} is a link`).toBe(false);
      for (const file of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json'])
        expect(lstatSync(join(installed, file)).isFile(), `${workspace.name}/${file}`).toBe(true);
      const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
      expect(pkg).toMatchObject({ license: 'Elastic-2.0', engines: { node: '>=20.19' }, type: 'module' });
      expect(pkg.private).toBeUndefined();
    }
  }, 180_000);

  it('passes publint, warnings counted as errors, on every tarball', async () => {
    for (const { workspace, tarball } of packed) {
      const bytes = readFileSync(tarball);
      const tar = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      const { messages, pkg } = await publint({ pack: { tarball: tar }, strict: true, level: 'suggestion' });
      expect(
        messages.map((m) => `${m.type}: ${formatMessage(m, pkg, { color: false })}`),
        workspace.name,
      ).toEqual([]);
    }
  }, 180_000);

  it('passes arethetypeswrong for ESM consumers (node16 and bundler) on every tarball', async () => {
    // ESM only, as the READMEs say: the node10 and CommonJS resolutions are out of scope (esm-only profile).
    const results = await Promise.all(
      packed.map(({ tarball }) =>
        run(process.execPath, [ATTW, tarball, '--profile', 'esm-only', '--format', 'ascii'], { env: cleanEnv() }),
      ),
    );
    results.forEach((out, i) => {
      expect(out.code, `${packed[i]?.workspace.name}\n${out.stdout}${out.stderr}`).toBe(0);
    });
  }, 300_000);

  it('prints the package version with `npx faramesh --version`', async () => {
    const version = JSON.parse(readFileSync(join(project, 'node_modules/faramesh/package.json'), 'utf8')).version;
    const out = await npx(['faramesh', '--version']);
    expect(out.stdout.trim()).toBe(version);
    expect(out.code).toBe(0);
  }, 180_000);

  it('writes a starter policy with `npx faramesh init` whose cases pass', async () => {
    const init = await npx(['faramesh', 'init']);
    expect(init.code, init.stderr).toBe(0);
    expect(readFileSync(join(project, 'policies/default.yaml'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'policies/default.yaml'), 'utf8'),
    );
    const cases = await npx(['faramesh', 'policy', 'test', 'policies']);
    expect(cases.code, cases.stdout + cases.stderr).toBe(0);
  }, 180_000);

  it('serves the API and the dashboard from the installed package with `npx faramesh serve`', async () => {
    server = spawn('npx', ['--no', '--', 'faramesh', 'serve', '--port', '0'], {
      cwd: project,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const collect = (chunk: Buffer) => {
      serverLog += chunk.toString();
    };
    server.stdout?.on('data', collect);
    server.stderr?.on('data', collect);
    const deadline = Date.now() + 30_000;
    while (!/listening on (http:\/\/\S+)/.test(serverLog)) {
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`serve did not start:\n${serverLog}`);
      await new Promise((wake) => setTimeout(wake, 50));
    }
    baseUrl = /listening on (http:\/\/\S+)/.exec(serverLog)?.[1] ?? '';
    await waitForHttp(`${baseUrl}/health`, 5000, () => serverLog);

    expect(await (await fetch(`${baseUrl}/health`)).json()).toEqual({ status: 'ok' });
    const page = await fetch(`${baseUrl}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>Faramesh</title>');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect((await fetch(`${baseUrl}${script}`)).status).toBe(200);

    const submitted = await fetch(`${baseUrl}/v1/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agent_id: 'tarball', tool: 'shell', operation: 'run', params: { cmd: 'rm -rf /tmp/x' } }),
    });
    expect(submitted.status).toBe(201);
    // The shell analysis (tree-sitter's .wasm, loaded from the installed packages) scored it.
    expect(await submitted.json()).toMatchObject({ status: 'pending_approval', risk_level: 'high' });

    const doctor = await npx(['faramesh', 'doctor'], { FARAMESH_BASE_URL: baseUrl });
    expect(doctor.stdout).toContain('UI assets found: node_modules/faramesh/assets/ui');
  }, 180_000);

  it('type-checks a consumer of @faramesh/sdk and @faramesh/langchain under node16 and bundler resolution', async () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { governTool } from '@faramesh/langchain';
import { FarameshClient, govern, requestHash } from '@faramesh/sdk';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';

const client = new FarameshClient({ baseUrl: 'http://127.0.0.1:8000' });
export const runShell: (input: { cmd: string }) => Promise<string> = govern(
  async ({ cmd }: { cmd: string }) => \`ran \${cmd}\`,
  { client, tool: 'shell', operation: 'run', agentId: 'bot' },
);
export const hash: Promise<string> = requestHash({ agent_id: 'bot', tool: 'shell', operation: 'run' });
const fetchPage = tool(async ({ url }) => \`fetched \${url}\`, {
  name: 'http',
  description: 'GET a URL',
  schema: z.object({ url: z.string() }),
});
export const governed = governTool(fetchPage, { client, agentId: 'bot', operation: () => 'get' });
// @ts-expect-error: real types reached the consumer (with \`any\` this line would not be an error)
export const wrong: number = await client.health();
`,
    );
    const base = { target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] };
    const configs = {
      'tsconfig.node16.json': { ...base, module: 'node16', moduleResolution: 'node16' },
      'tsconfig.bundler.json': { ...base, module: 'esnext', moduleResolution: 'bundler' },
    };
    for (const [file, compilerOptions] of Object.entries(configs)) {
      writeFileSync(join(project, file), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }, null, 2));
      const out = await run(process.execPath, [TSC, '-p', file], { cwd: project, env: cleanEnv() });
      expect(out.code, `${file}\n${out.stdout}${out.stderr}`).toBe(0);
    }
  }, 180_000);

  it('runs the TypeScript examples against the installed server', async () => {
    expect(baseUrl).not.toBe('');
    const env = { FARAMESH_BASE_URL: baseUrl };
    for (const example of ['sdk-govern.mjs', 'langchain-tool.mjs'])
      copyFileSync(join(ROOT, 'examples/ts', example), join(project, example));

    const allowed = await run(process.execPath, ['langchain-tool.mjs'], { cwd: project, env: cleanEnv(env) });
    expect(allowed.stdout + allowed.stderr).toContain('fetched https://example.com');
    expect(allowed.code).toBe(0);

    // sdk-govern waits for a human: approve its action with the installed CLI.
    const agent = run(process.execPath, ['sdk-govern.mjs'], { cwd: project, env: cleanEnv(env) });
    let id: string | undefined;
    for (let i = 0; i < 200 && id === undefined; i++) {
      const page = await (await fetch(`${baseUrl}/v1/actions?agent_id=example&status=pending_approval`)).json();
      id = (page as { items: { id: string }[] }).items[0]?.id;
      if (id === undefined) await new Promise((wake) => setTimeout(wake, 100));
    }
    expect(id).toBeDefined();
    const approved = await npx(['faramesh', 'approve', id ?? ''], env);
    expect(approved.code, approved.stderr).toBe(0);
    const out = await agent;
    expect(out.stdout).toContain("ran: echo 'Hello World'");
    expect(out.code).toBe(0);
  }, 180_000);
});

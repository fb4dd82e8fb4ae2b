import { chmodSync, existsSync, mkdtempSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, openStream, ROOT } from '../e2e/harness.js';
import { envOf, service } from './compose.js';
import { type BuiltImages, buildImages } from './image/build-images.js';
import { Container, freePort, namedVolume } from './image/container.js';
import { imageToolsAvailability } from './image/container-tools.js';

// The repository's Dockerfile, really built (both targets) and really run, without a Docker engine:
// see image/container.ts for how a container is run here and docs/deployment.md for what is verified.

const tools = imageToolsAvailability();
if (!tools.available) console.warn(`tests/deploy/image.test.ts: ${tools.reason}`);
const BUILD_TIMEOUT_MS = 45 * 60_000;

const composeServerEnv = envOf(service('faramesh'));
const composeAgentEnv = envOf(service('demo-agent'));
const tokenOf = (role: string) =>
  (composeServerEnv.FARAMESH_TOKENS ?? '')
    .split(',')
    .find((e) => e.split(':')[1] === role)
    ?.split(':')[2] ?? '';

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** A GET with a chosen Host header (fetch won't send one). */
function getWithHost(port: number, host: string, path = '/health'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}

describe.skipIf(!tools.available)('the Dockerfile, built with buildah and run without Docker', () => {
  let images: BuiltImages;
  const containers: Container[] = [];
  const temp: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'faramesh-image-test-'));
    temp.push(dir);
    return dir;
  };
  const server = async (env: Record<string, string>, extra: { args?: string[]; volumes?: string[] } = {}) => {
    const c = await Container.create(images.server.id, images.server.config, { env, ...extra });
    containers.push(c);
    return c;
  };

  beforeAll(async () => {
    images = await buildImages();
  }, BUILD_TIMEOUT_MS);
  afterAll(async () => {
    for (const c of containers) await c.remove();
    for (const dir of temp) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  describe('the server and the demo agent, with the settings of docker-compose.yaml', () => {
    let faramesh: Container;
    let agent: Container;
    let port: number;
    let dataVolume: string;
    let url: string;

    beforeAll(async () => {
      port = await freePort();
      url = `http://127.0.0.1:${port}`;
      // The compose file's volumes: ./ paths bound from the checkout, named volumes made fresh.
      const volumes = await Promise.all(
        (service('faramesh').volumes ?? []).map(async (entry) => {
          const [source = '', target = '', mode] = entry.split(':');
          const host = source.startsWith('./') ? join(ROOT, source) : await namedVolume(images.server.id, target);
          if (!source.startsWith('./')) temp.push(host);
          if (target === '/app/data') dataVolume = host;
          return [host, target, ...(mode === undefined ? [] : [mode])].join(':');
        }),
      );
      // compose publishes 8000:8000; here the host's network is the container's, so the port moves.
      faramesh = await server({ ...composeServerEnv, FARAMESH_PORT: String(port) }, { volumes });
      faramesh.start();
      await faramesh.waitForHttp(port);
    }, 120_000);

    it('answers /health and /ready', async () => {
      expect((await api(url, '/health')).status).toBe(200);
      const ready = await api(url, '/ready');
      expect(ready.status).toBe(200);
      expect(ready.json.ready).toBe(true);
    });

    it("runs as the image's non-root user, who cannot change the application's files", async () => {
      const { config } = images.server;
      const uid = await faramesh.idOf('-u', config.User);
      expect(config.User).toBe('node');
      expect(uid).toBe(1000);
      expect(faramesh.processUid()).toBe(uid);
      const attempt = await faramesh.exec([
        'sh',
        '-c',
        'for f in /app/package.json /app/packages/cli/dist/bin.js /app/policies/default.yaml /app/new-file; do ' +
          '(echo x >> "$f") 2>/dev/null && echo "wrote $f"; done; mkdir /app/packages/x 2>/dev/null && echo mkdir; true',
      ]);
      expect(attempt.output).toBe('');
      // Nothing under /app but the data folder is the user's or writable by anyone (symlinks aside).
      const writable = await faramesh.exec(
        [
          'find',
          '/app',
          '-path',
          '/app/data',
          '-prune',
          '-o',
          '!',
          '-type',
          'l',
          '(',
          '-user',
          config.User,
          '-o',
          '-perm',
          '-0002',
          ')',
          '-print',
        ],
        'root',
      );
      expect(writable).toEqual({ code: 0, output: '' });
    });

    it('keeps its database on the data volume, owned by its user', () => {
      const db = join(dataVolume, 'actions.db');
      expect(existsSync(db)).toBe(true);
      expect(statSync(db).uid).toBe(faramesh.processUid());
    });

    it('serves the dashboard at /, with its assets', async () => {
      const page = await fetch(`${url}/`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toMatch(/<div id="root">/);
      const asset = /(?:src|href)="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(asset).toBeDefined();
      const script = await fetch(`${url}${asset}`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
    });

    it('takes a submission, streams it over SSE, and lets an approver approve it', async () => {
      const stream = openStream(`${url}/v1/events`, { authorization: `Bearer ${tokenOf('admin')}` });
      try {
        const submitted = await api(url, '/v1/actions', {
          token: tokenOf('agent'),
          body: {
            agent_id: 'research-bot',
            tool: 'shell',
            operation: 'run',
            params: { cmd: 'echo from-the-image-test' },
          },
        });
        expect(submitted.status).toBe(201);
        expect(submitted.json.status).toBe('pending_approval');
        const id = submitted.json.id as string;
        await until(
          async () => (stream.frames.some((f) => f.data.includes(id)) ? true : undefined),
          'the SSE frame of the submission',
        );
        const detail = await api(url, `/v1/actions/${id}`, { token: tokenOf('approver') });
        const approval = await api(url, `/v1/actions/${id}/approval`, {
          token: tokenOf('approver'),
          body: { token: detail.json.approval_token, approve: true, reason: 'image test' },
        });
        expect(approval.status).toBe(200);
        expect(approval.json.status).toBe('approved');
      } finally {
        await stream.close();
      }
    });

    it("runs the image's HEALTHCHECK command successfully inside the container", async () => {
      const check = images.server.config.Healthcheck;
      expect(check?.Test[0]).toBe('CMD');
      const result = await faramesh.exec(check?.Test.slice(1) ?? []);
      expect(result).toEqual({ code: 0, output: '' });
    });

    it('fills the server with actions from the demo-agent image, addressed by its compose service name', async () => {
      agent = await Container.create(
        images.demoAgent.id,
        images.demoAgent.config,
        {
          env: {
            ...composeAgentEnv,
            FARAMESH_BASE_URL: composeAgentEnv.FARAMESH_BASE_URL?.replace(':8000', `:${port}`) ?? '',
            DEMO_AGENT_INTERVAL_MS: '100',
          },
        },
        ['faramesh:127.0.0.1'],
      );
      containers.push(agent);
      expect(agent.env().FARAMESH_BASE_URL).toBe(`http://faramesh:${port}`);
      agent.start();
      const statuses = await until(async () => {
        const res = await api(url, '/v1/actions?limit=500', { token: tokenOf('admin') });
        const mine = (res.json.items as { status: string; context: { source?: string } }[]).filter(
          (a) => a.context.source === 'examples/demo-agent',
        );
        const seen = new Set(mine.map((a) => a.status));
        return ['succeeded', 'denied', 'pending_approval'].every((s) => seen.has(s)) ? seen : undefined;
      }, `allowed, denied and pending actions from the demo agent:\n${agent.output()}`);
      expect(statuses.size).toBeGreaterThanOrEqual(3);
      expect(agent.processUid()).toBe(1000);
      await agent.stop();
    }, 90_000);

    it('stops cleanly on SIGTERM (docker stop), after which the health check fails', async () => {
      const stopped = await faramesh.stop();
      expect(stopped.code, stopped.output).toBe(0);
      const check = images.server.config.Healthcheck;
      expect((await faramesh.exec(check?.Test.slice(1) ?? [])).code).not.toBe(0);
    });
  });

  describe('the server with a policy folder mounted from outside, and --hot-reload', () => {
    let faramesh: Container;
    let policies: string;
    let url: string;
    const admin = 'image-test-admin-token';
    const agentToken = 'image-test-agent-token';
    const policy = (deployDecision: 'allow' | 'deny') =>
      [
        'version: "1"',
        `name: mounted-${deployDecision}`,
        'rules:',
        '  - match: { tool: deploy, op: run }',
        `    ${deployDecision}: true`,
        '  - match: { tool: "*", op: "*" }',
        '    deny: true',
        '',
      ].join('\n');
    const submitDeploy = async () =>
      (
        await api(url, '/v1/actions', {
          token: agentToken,
          body: { agent_id: 'bot', tool: 'deploy', operation: 'run' },
        })
      ).json;

    beforeAll(async () => {
      policies = tempDir();
      chmodSync(policies, 0o755);
      writeFileSync(join(policies, 'default.yaml'), policy('allow'), { mode: 0o644 });
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      const env = { FARAMESH_PORT: String(port), FARAMESH_TOKENS: `ops:admin:${admin},bot:agent:${agentToken}` };
      const data = await namedVolume(images.server.id, '/app/data');
      temp.push(data);
      faramesh = await server(env, {
        args: ['--hot-reload'],
        volumes: [`${policies}:/app/policies:ro`, `${data}:/app/data`],
      });
      faramesh.start();
      await faramesh.waitForHttp(port);
    }, 120_000);

    it('decides with the mounted policy, not the one in the image', async () => {
      const action = await submitDeploy();
      expect(action.decision).toBe('allow');
      expect(faramesh.output()).toContain('/app/policies/default.yaml');
    });

    it('reloads it when the file changes on the host, through the mount', async () => {
      // Replaced the way editors and ConfigMap updates do: a new file renamed over the old one.
      const next = join(policies, '.default.yaml.new');
      writeFileSync(next, policy('deny'), { mode: 0o644 });
      renameSync(next, join(policies, 'default.yaml'));
      const action = await until(async () => {
        const a = await submitDeploy();
        return a.decision === 'deny' ? a : undefined;
      }, `the reloaded policy:\n${faramesh.output()}`);
      expect(action.decision).toBe('deny');
    });
  });

  describe("the server image's refusals", () => {
    it('refuses to start in open mode on its 0.0.0.0 default, saying how to fix it', async () => {
      const c = await server({ FARAMESH_PORT: String(await freePort()) });
      const exited = await c.runToExit();
      expect(exited.code).not.toBe(0);
      expect(exited.output).toContain('refusing to start in open mode');
      expect(exited.output).toContain('FARAMESH_TOKENS');
      expect(exited.output).toContain('FARAMESH_ALLOW_OPEN_NETWORK=1');
    });

    it('starts in open mode with FARAMESH_ALLOW_OPEN_NETWORK=1, answering loopback Host names only', async () => {
      const port = await freePort();
      const c = await server({ FARAMESH_PORT: String(port), FARAMESH_ALLOW_OPEN_NETWORK: '1' });
      c.start();
      await c.waitForHttp(port);
      expect(c.output()).toContain('OPEN MODE ON A NETWORK ADDRESS');
      expect(await getWithHost(port, `localhost:${port}`, '/')).toBe(200);
      expect(await getWithHost(port, `faramesh.example.com:${port}`, '/')).toBeGreaterThanOrEqual(400);
      await c.stop();
    });

    it('refuses to start on a data folder its user cannot write (a host folder created by root)', async () => {
      const data = tempDir(); // root-owned, as `docker run -v ./data:/app/data` creates it
      const c = await server(
        { FARAMESH_PORT: String(await freePort()), FARAMESH_TOKENS: 'ops:admin:image-test-admin-token' },
        { volumes: [`${data}:/app/data`] },
      );
      const exited = await c.runToExit();
      expect(exited.code).not.toBe(0);
      expect(exited.output).toContain('/app/data/actions.db');
    });
  });
});

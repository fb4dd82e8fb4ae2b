import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../e2e/harness.js';
import { CACHE_DIR, processAlive, run, withBuildLock } from './container-tools.js';
import { BUD_FLAGS, ensureStandInBase } from './stand-in-base.js';

/** The image configuration a container runtime applies (`buildah inspect`, Docker format). */
export interface ImageConfig {
  User: string;
  Env: string[];
  Entrypoint: string[] | null;
  Cmd: string[] | null;
  WorkingDir: string;
  ExposedPorts?: Record<string, object>;
  Volumes?: Record<string, object>;
  Healthcheck?: { Test: string[]; Interval: number; Timeout: number; StartPeriod: number; Retries: number };
}

export interface BuiltImage {
  id: string;
  config: ImageConfig;
  bytes: number;
  buildMs: number;
}

export interface BuiltImages {
  base: { name: string; bytes: number; builtInMs: number | null };
  server: BuiltImage;
  demoAgent: BuiltImage;
}

let memo: Promise<BuiltImages> | undefined;

/**
 * Builds the repository's Dockerfile as it is, its `server` and `demo-agent` targets, on the stand-in
 * base (`--build-arg NODE_IMAGE`), the way `docker build` would. The second target reuses the first's
 * cached build stage. Images are referred to by id, so parallel checkouts on one machine don't move
 * each other's tags. The figures go to <cache>/last-build.json and the console.
 */
export function buildImages(): Promise<BuiltImages> {
  memo ??= withBuildLock(async () => {
    await removeOrphanContainers();
    // Cached layers older than a day are no one's build any more: keep the storage bounded.
    await run('podman', ['image', 'prune', '--force', '--filter', 'until=24h']);
    const base = await ensureStandInBase();
    const server = await buildTarget('server', base.name);
    const demoAgent = await buildTarget('demo-agent', base.name);
    const built: BuiltImages = { base: { ...base, bytes: await imageBytes(base.name) }, server, demoAgent };
    report(built);
    return built;
  });
  return memo;
}

/** Working containers left by a test process that died (named faramesh-test-<pid>-<n>). */
async function removeOrphanContainers(): Promise<void> {
  const names = (await run('buildah', ['containers', '--format', '{{.ContainerName}}'])).split('\n');
  for (const name of names) {
    const pid = Number(/^faramesh-test-(\d+)-\d+$/.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) await run('buildah', ['rm', name]);
  }
}

async function buildTarget(target: string, nodeImage: string): Promise<BuiltImage> {
  const work = mkdtempSync(join(tmpdir(), 'faramesh-bud-'));
  const iidfile = join(work, 'iid');
  const started = Date.now();
  try {
    await run('buildah', [
      'bud',
      ...BUD_FLAGS,
      '--build-arg',
      `NODE_IMAGE=${nodeImage}`,
      '--target',
      target,
      '--iidfile',
      iidfile,
      ROOT,
    ]);
    const buildMs = Date.now() - started;
    const id = readFileSync(iidfile, 'utf8')
      .trim()
      .replace(/^sha256:/, '');
    return { id, config: await imageConfig(id), bytes: await imageBytes(id), buildMs };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export async function imageConfig(image: string): Promise<ImageConfig> {
  const inspected = JSON.parse(await run('buildah', ['inspect', '--type', 'image', image]));
  return inspected.Docker.config as ImageConfig;
}

async function imageBytes(image: string): Promise<number> {
  return Number((await run('podman', ['image', 'inspect', image, '--format', '{{.Size}}'])).trim());
}

function report(built: BuiltImages): void {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;
  const s = (ms: number | null) => (ms === null ? 'cached' : `${(ms / 1000).toFixed(0)} s`);
  const lines = [
    `stand-in base ${built.base.name}: ${mb(built.base.bytes)} (${s(built.base.builtInMs)})`,
    `server image: ${mb(built.server.bytes)}, ${mb(built.server.bytes - built.base.bytes)} over the base, built in ${s(built.server.buildMs)}`,
    `demo-agent image: ${mb(built.demoAgent.bytes)}, ${mb(built.demoAgent.bytes - built.base.bytes)} over the base, built in ${s(built.demoAgent.buildMs)}`,
  ];
  console.log(lines.map((line) => `[image] ${line}`).join('\n'));
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(
    join(CACHE_DIR, 'last-build.json'),
    `${JSON.stringify({ at: new Date().toISOString(), ...built }, null, 2)}\n`,
  );
}

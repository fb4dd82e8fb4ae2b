import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '@faramesh/server';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../e2e/harness.js';
import { DEMO_AGENT_ENV, NODE_ENV_VARS, SERVER_ENV } from './config-env.js';
import { all, envOf, one, parseDockerfile, type Stage } from './dockerfile-parser.js';
import { isIgnored, readPatterns } from './dockerignore.js';

const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const ignore = readPatterns(readFileSync(join(ROOT, '.dockerignore'), 'utf8'));
const stage = (name: string): Stage => {
  const found = dockerfile.stages.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no stage ${name}`);
  return found;
};
const build = stage('build');
const server = dockerfile.stages.at(-1) as Stage;
const exec = (args: string): string[] => JSON.parse(args) as string[];

describe('Dockerfile', () => {
  it('builds with the commands CI runs: npm install, then the build script npm test starts with', () => {
    const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm install && npm test$/m);
    expect(readFileSync(join(ROOT, 'scripts/test.mjs'), 'utf8')).toContain("'scripts/build.mjs'");
    const toolchain = (run: string) => run.startsWith('apt-get ') || run === 'npm install --global npm@11';
    const project = all(build, 'RUN').filter((run) => !toolchain(run));
    expect(project).toEqual(['npm install', 'node scripts/build.mjs', 'npm prune --omit=dev']);
    expect(all(build, 'RUN').find((run) => run.startsWith('apt-get '))).toMatch(/install .*python3 make g\+\+/);
  });

  it('runs the server from a slim image without the build toolchain, as a non-root user', () => {
    expect(dockerfile.stages.map((s) => s.name)).toEqual(['build', 'app', 'demo-agent', 'server']);
    expect(dockerfile.globalArgs.NODE_IMAGE).toMatch(/^node:20(\.\d+)*-[a-z]+-slim$/);
    expect(stage('app').from).toBe(dockerfile.globalArgs.NODE_IMAGE);
    expect(server.from).toBe('app');
    for (const s of [stage('app'), stage('demo-agent'), server])
      expect(all(s, 'RUN').join()).not.toMatch(/apt-get|npm /);
    expect(one(server, 'USER')).toBe('node');
    expect(one(stage('demo-agent'), 'USER')).toBe('node');
  });

  it('starts `faramesh serve` from the built CLI, which the build script produces', () => {
    expect(exec(one(server, 'ENTRYPOINT'))).toEqual(['node', 'packages/cli/dist/bin.js', 'serve']);
    expect(existsSync(join(ROOT, 'packages/cli/dist/bin.js'))).toBe(true);
  });

  it('listens on all interfaces on the port it exposes and health-checks', () => {
    const env = envOf(server);
    const config = resolveConfig({}, env, {}, '/app');
    expect(config.host).toBe('0.0.0.0');
    expect(one(server, 'EXPOSE')).toBe(String(config.port));
    const check = one(server, 'HEALTHCHECK');
    expect(check).toMatch(/^--interval=\S+ --timeout=\S+ .*CMD \[/);
    const command = exec(check.slice(check.indexOf('CMD ') + 4));
    expect(command[0]).toBe('node');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript the container's node evaluates
    expect(command.join(' ')).toContain('127.0.0.1:${process.env.FARAMESH_PORT}/health');
  });

  it('keeps the policy and the data on volumes, where the configuration points', () => {
    const volumes = exec(one(server, 'VOLUME'));
    expect(volumes).toEqual(['/app/policies', '/app/data']);
    const config = resolveConfig({}, envOf(server), {}, '/app');
    expect(config.policyFile).toBe('/app/policies/default.yaml');
    expect(config.sqlitePath).toBe('/app/data/actions.db');
    expect(all(server, 'RUN').join()).toContain('chown node:node /app/data');
  });

  it('sets only environment variables that the server, the demo agent or Node read', () => {
    for (const name of Object.keys(envOf(stage('app')))) expect(NODE_ENV_VARS).toContain(name);
    for (const name of Object.keys(envOf(server))) expect(SERVER_ENV).toContain(name);
    for (const name of Object.keys(envOf(stage('demo-agent')))) expect(DEMO_AGENT_ENV).toContain(name);
  });

  it('runs the demo agent of examples/demo-agent', () => {
    expect(exec(one(stage('demo-agent'), 'CMD'))).toEqual(['node', 'examples/demo-agent/agent.mjs']);
  });

  it('copies only paths that exist and that .dockerignore lets into the build context', () => {
    for (const s of [stage('app'), stage('demo-agent')]) {
      for (const copy of all(s, 'COPY')) {
        const source = /--from=build \/app\/(\S+)/.exec(copy)?.[1];
        expect(source, copy).toBeDefined();
        expect(existsSync(join(ROOT, source as string)), source).toBe(true);
        // node_modules is the build's own output; everything else comes from the context.
        if (source !== 'node_modules') expect(isIgnored(ignore, source as string), source).toBe(false);
      }
    }
    const needed = [
      'package.json',
      'package-lock.json',
      '.npmrc',
      'tsconfig.json',
      'tsconfig.base.json',
      'scripts/build.mjs',
      'packages/cli/src/bin.ts',
      'packages/web/index.html',
      'policies/default.yaml',
      'examples/demo-agent/agent.mjs',
    ];
    for (const path of needed) expect(isIgnored(ignore, path), path).toBe(false);
    for (const path of ['node_modules/yaml', 'packages/cli/dist/bin.js', 'data/actions.db', '.git/HEAD', 'python/x']) {
      expect(isIgnored(ignore, path), path).toBe(true);
    }
  });
});

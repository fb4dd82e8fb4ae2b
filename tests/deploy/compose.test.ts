import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '@faramesh/server';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../examples/demo-agent/config.mjs';
import { ROOT } from '../e2e/harness.js';
import { COMPOSE, COMPOSE_TEXT, envOf, interpolateDefaults, service } from './compose.js';
import { DEMO_AGENT_ENV, SERVER_ENV } from './config-env.js';
import { parseDockerfile } from './dockerfile-parser.js';

const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const faramesh = service('faramesh');
const agent = service('demo-agent');
const serverConfig = () => resolveConfig({}, envOf(faramesh), {}, '/app');

describe('docker-compose.yaml', () => {
  it('has the two services of the seed README: faramesh and demo-agent', () => {
    expect(Object.keys(COMPOSE.services)).toEqual(['faramesh', 'demo-agent']);
  });

  it("publishes the server's port as 8000 and the agent reaches it by service name", () => {
    expect(faramesh.ports).toEqual([`8000:${serverConfig().port}`]);
    const base = new URL(readConfig(envOf(agent)).baseUrl);
    expect(base.hostname).toBe('faramesh');
    expect(Number(base.port)).toBe(serverConfig().port);
  });

  it('runs the server with demo data, CORS and role tokens, using only variables it reads', () => {
    for (const name of Object.keys(envOf(faramesh))) expect(SERVER_ENV).toContain(name);
    const config = serverConfig();
    expect(config.demo).toBe(true);
    expect(config.enableCors).toBe(true);
    expect(config.tokens.map((t) => t.role).sort()).toEqual(['admin', 'agent', 'approver']);
  });

  it('gives the demo agent an agent-role token, and documents the approver login that exists', () => {
    for (const name of Object.keys(envOf(agent))) expect(DEMO_AGENT_ENV).toContain(name);
    const { tokens } = serverConfig();
    const token = readConfig(envOf(agent)).token;
    expect(tokens.find((t) => t.token === token)?.role).toBe('agent');
    const documented = /approver token `([^`]+)`/.exec(COMPOSE_TEXT)?.[1];
    expect(tokens.find((t) => t.token === documented)?.role).toBe('approver');
    const admin = /admin token\s+(?:#\s*)?`([^`]+)`/.exec(COMPOSE_TEXT)?.[1];
    expect(tokens.find((t) => t.token === admin)?.role).toBe('admin');
  });

  it("builds both services from the repository's Dockerfile, the agent from its demo-agent stage", () => {
    expect(interpolateDefaults(faramesh.build?.context ?? '')).toBe('.');
    expect(faramesh.build?.target).toBeUndefined(); // the last stage: the server
    expect(interpolateDefaults(agent.build?.context ?? '')).toBe('.');
    expect(dockerfile.stages.map((s) => s.name)).toContain(agent.build?.target);
  });

  it("mounts the policies read-only and the data on a named volume, at the image's volumes", () => {
    const volumes = (faramesh.volumes ?? []).map((v) => v.split(':'));
    expect(volumes).toEqual([
      ['faramesh-data', '/app/data'],
      ['./policies', '/app/policies', 'ro'],
    ]);
    expect(Object.keys(COMPOSE.volumes ?? {})).toEqual(['faramesh-data']);
    const declared = JSON.parse(
      dockerfile.stages.at(-1)?.instructions.find((i) => i.keyword === 'VOLUME')?.args ?? '[]',
    );
    expect(declared).toEqual(expect.arrayContaining(volumes.map((v) => v[1])));
  });

  it("starts the agent once the server's health check passes", () => {
    expect(agent.depends_on).toEqual({ faramesh: { condition: 'service_healthy' } });
    expect(dockerfile.stages.at(-1)?.instructions.some((i) => i.keyword === 'HEALTHCHECK')).toBe(true);
  });
});

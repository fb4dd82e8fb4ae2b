import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig } from '@faramesh/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, ROOT, type RunningServer, startServer, workDir } from '../e2e/harness.js';
import { NODE_ENV_VARS, SERVER_ENV } from './config-env.js';
import { container, envOf, find, KUBERNETES_DIR, type Manifest, readManifests, render } from './kustomize.js';
import { KUSTOMIZE_VERSION, kustomizeAvailability, kustomizeBuild } from './kustomize-build.js';

const variants = { sqlite: render(join(KUBERNETES_DIR, 'sqlite')), postgres: render(join(KUBERNETES_DIR, 'postgres')) };
const DEFAULT_PORT = resolveConfig({}, {}, {}, '/').port;

describe.each(Object.entries(variants))('Kubernetes, %s variant', (variant, manifests) => {
  const deployment = find(manifests, 'Deployment', 'faramesh');
  const pod = deployment.spec.template.spec;
  const config = resolveConfig({}, envOf(manifests), {}, '/app');

  it('sets only variables the server reads, to values it accepts', () => {
    for (const name of Object.keys(envOf(manifests))) expect([...SERVER_ENV, ...NODE_ENV_VARS]).toContain(name);
    expect(config.host).toBe('0.0.0.0');
    expect(config.tokens.map((t) => t.role).sort()).toEqual(['admin', 'agent', 'approver']);
  });

  it("gives every replica the Secret's redaction key when it has one, and none otherwise", () => {
    expect(envOf(manifests).FARAMESH_REDACTION_KEY).toBeUndefined();
    expect(config.redactionKey).toBeNull();
    const key = 'f'.repeat(64);
    const withKey = manifests.map((m) =>
      m.kind === 'Secret' ? { ...m, stringData: { ...m.stringData, 'redaction-key': key } } : m,
    );
    expect(envOf(withKey).FARAMESH_REDACTION_KEY).toBe(key);
    expect(resolveConfig({}, envOf(withKey), {}, '/app').redactionKey).not.toBeNull();
  });

  it('runs more than one replica only on PostgreSQL', () => {
    expect(config.dbBackend).toBe(variant);
    if (deployment.spec.replicas > 1) expect(config.dbBackend).toBe('postgres');
    if (variant === 'sqlite') {
      expect(deployment.spec.replicas).toBe(1);
      expect(deployment.spec.strategy.type).toBe('Recreate');
    } else expect(deployment.spec.replicas).toBeGreaterThan(1);
  });

  it("exposes the server's port through the Service, and probes /ready and /health on it", () => {
    const port = container(manifests).ports[0];
    expect(port).toEqual({ name: 'http', containerPort: config.port });
    expect(config.port).toBe(DEFAULT_PORT);
    const svc = find(manifests, 'Service', 'faramesh');
    expect(svc.spec.ports[0].targetPort).toBe('http');
    expect(svc.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    const c = container(manifests);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(c.startupProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(config.port));
  });

  it('runs as non-root on a read-only root filesystem, writing only to its volumes', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
    const c = container(manifests);
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.resources.requests).toBeDefined();
    expect(c.resources.limits.memory).toBeDefined();
    const volumes = new Map((pod.volumes as { name: string }[]).map((v) => [v.name, v]));
    const mounts = c.volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[];
    for (const mount of mounts) expect(volumes.has(mount.name), mount.name).toBe(true);
    const mountOf = (path: string) => mounts.find((m) => path.startsWith(`${m.mountPath}/`));
    expect(mountOf(config.sqlitePath)?.readOnly).toBeUndefined();
    expect(mountOf(config.policyFile)).toMatchObject({ name: 'policies', readOnly: true });
    if (variant === 'sqlite')
      expect(volumes.get('data')).toEqual({ name: 'data', persistentVolumeClaim: { claimName: 'faramesh-data' } });
  });

  it('mounts the policy from the ConfigMap, the default policy as shipped', () => {
    const policy = find(manifests, 'ConfigMap', 'faramesh-policy').data?.['default.yaml'];
    expect(policy).toBe(readFileSync(join(ROOT, 'policies/default.yaml'), 'utf8'));
    expect(config.policyFile).toBe('/app/policies/default.yaml');
  });
});

describe('Kubernetes, a real server with the sqlite variant settings', () => {
  let server: RunningServer;
  const manifests = variants.sqlite;

  beforeAll(async () => {
    // The ConfigMap's policy and the Secret's tokens, with the volumes as temporary folders.
    const { dir } = workDir();
    writeFileSync(
      join(dir, 'policy.yaml'),
      find(manifests, 'ConfigMap', 'faramesh-policy').data?.['default.yaml'] ?? '',
    );
    mkdirSync(join(dir, 'data'), { recursive: true });
    server = await startServer({ dir, env: envOf(manifests), args: ['--host', '127.0.0.1'] });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers the probe paths with 200', async () => {
    const c = container(manifests);
    for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
      expect((await api(server.url, probe.httpGet.path)).status).toBe(200);
    }
    expect((await api(server.url, '/ready')).json.ready).toBe(true);
  });

  it('requires the tokens of the Secret', async () => {
    expect((await api(server.url, '/v1/actions')).status).toBe(401);
    const admin = envOf(manifests)
      .FARAMESH_TOKENS?.split(',')
      .find((e) => e.includes(':admin:'));
    expect((await api(server.url, '/v1/actions', { token: admin?.split(':')[2] ?? '' })).status).toBe(200);
  });
});

describe('Kubernetes, the optional Ingress', () => {
  it('routes to the Service by its port name', () => {
    const ingress = find(readManifests(join(KUBERNETES_DIR, 'ingress.yaml')), 'Ingress', 'faramesh');
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    const svc = find(variants.sqlite, 'Service', backend.name);
    expect(svc.spec.ports.map((p: { name: string }) => p.name)).toContain(backend.port.name);
    expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
  });
});

const kustomize = kustomizeAvailability();
if (!kustomize.available) console.warn(`tests/deploy/kubernetes.test.ts: ${kustomize.reason}`);

describe.skipIf(!kustomize.available)(`Kubernetes, rendered by kustomize ${KUSTOMIZE_VERSION}`, () => {
  const byKindAndName = (manifests: Manifest[]) =>
    Object.fromEntries(manifests.map((m) => [`${m.kind}/${m.metadata.name}`, m]));

  it.each(Object.keys(variants) as (keyof typeof variants)[])(
    'renders the %s variant exactly as the checks above read it',
    async (variant) => {
      const rendered = await kustomizeBuild(join(KUBERNETES_DIR, variant));
      expect(byKindAndName(rendered)).toEqual(byKindAndName(variants[variant]));
      expect(rendered).toHaveLength(variants[variant].length);
    },
    10 * 60_000,
  );
});

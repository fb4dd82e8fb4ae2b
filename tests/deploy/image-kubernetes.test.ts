import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../e2e/harness.js';
import { envOf as envList } from './compose.js';
import { type BuiltImages, buildImages } from './image/build-images.js';
import { Container, freePort } from './image/container.js';
import { imageToolsAvailability } from './image/container-tools.js';
import { container, envOf, find, KUBERNETES_DIR, type Manifest } from './kustomize.js';
import { kustomizeAvailability, kustomizeBuild } from './kustomize-build.js';

// The Kubernetes kustomizations as `kustomize build` renders them, checked against the image the
// Dockerfile really builds, and the sqlite variant's pod run from that image the way the kubelet
// would run it (its env, user, volumes and probes).

const tools = imageToolsAvailability();
const kustomize = kustomizeAvailability();
for (const check of [tools, kustomize])
  if (!check.available) console.warn(`tests/deploy/image-kubernetes.test.ts: ${check.reason}`);
const BUILD_TIMEOUT_MS = 45 * 60_000;

interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}

describe.skipIf(!tools.available || !kustomize.available)('Kubernetes manifests against the built image', () => {
  let images: BuiltImages;
  const rendered: Record<string, Manifest[]> = {};
  let uid: number;
  let gid: number;

  beforeAll(async () => {
    const [built, sqlite, postgres] = await Promise.all([
      buildImages(),
      kustomizeBuild(join(KUBERNETES_DIR, 'sqlite')),
      kustomizeBuild(join(KUBERNETES_DIR, 'postgres')),
    ]);
    images = built;
    Object.assign(rendered, { sqlite, postgres });
    const probe = await Container.create(images.server.id, images.server.config);
    try {
      uid = await probe.idOf('-u', images.server.config.User);
      gid = await probe.idOf('-g', images.server.config.User);
    } finally {
      await probe.remove();
    }
  }, BUILD_TIMEOUT_MS);

  describe.each(['sqlite', 'postgres'])('the %s variant', (variant) => {
    const imageEnv = () => envList({ environment: images.server.config.Env });

    it("starts the image's own entrypoint, on the port it exposes, probed there", () => {
      const c = container(rendered[variant] ?? []);
      expect(c.command).toBeUndefined();
      expect(c.args).toBeUndefined();
      const port = Number(imageEnv().FARAMESH_PORT);
      expect(Object.keys(images.server.config.ExposedPorts ?? {})).toEqual([`${port}/tcp`]);
      expect(c.ports).toEqual([{ name: 'http', containerPort: port }]);
      for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) expect(probe.httpGet.port).toBe('http');
    });

    it("sets the image's variables to the image's values, and no name the image doesn't know", () => {
      const env = envOf(rendered[variant] ?? []);
      const image = imageEnv();
      for (const [name, value] of Object.entries(image)) if (name in env) expect(env[name], name).toBe(value);
      expect(Object.keys(env)).toEqual(expect.arrayContaining(['FARAMESH_TOKENS', 'FARAMESH_HOST', 'FARAMESH_PORT']));
    });

    it("runs as the image's user, by number", () => {
      const pod = find(rendered[variant] ?? [], 'Deployment', 'faramesh').spec.template.spec;
      expect(uid).not.toBe(0);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: uid, runAsGroup: gid, fsGroup: gid });
    });

    it("mounts every volume the image declares, the policy where the image's FARA_POLICY_FILE looks", () => {
      const manifests = rendered[variant] ?? [];
      const mounts = container(manifests).volumeMounts as VolumeMount[];
      const paths = mounts.map((m) => m.mountPath);
      for (const volume of Object.keys(images.server.config.Volumes ?? {})) expect(paths).toContain(volume);
      const policyMount = mounts.find((m) => m.name === 'policies');
      const keys = Object.keys(find(manifests, 'ConfigMap', 'faramesh-policy').data ?? {});
      expect(keys.map((key) => `${policyMount?.mountPath}/${key}`)).toContain(imageEnv().FARA_POLICY_FILE);
    });
  });

  describe('the sqlite variant, run from the image as the kubelet would', () => {
    let pod: Container;
    let port: number;
    let baseline: string[];
    const temp: string[] = [];
    // buildah's marker that a process runs in a container, bind-mounted while one does.
    const RUNTIME_FILES = ['/run/.containerenv'];
    const written = async () => [...new Set([...(await pod.writtenPaths()), ...RUNTIME_FILES])].sort();

    /** An emptyDir or a fresh volume with fsGroup applied: group-owned by fsGroup, setgid, group-writable. */
    const kubeletVolume = () => {
      const dir = mkdtempSync(join(tmpdir(), 'faramesh-kubelet-'));
      temp.push(dir);
      chownSync(dir, 0, gid);
      chmodSync(dir, 0o2775);
      return dir;
    };

    beforeAll(async () => {
      const manifests = rendered.sqlite ?? [];
      const spec = find(manifests, 'Deployment', 'faramesh').spec.template.spec;
      const c = container(manifests);
      const hostPaths: Record<string, string> = {};
      for (const volume of spec.volumes as { name: string; configMap?: { name: string } }[]) {
        const dir = kubeletVolume();
        if (volume.configMap !== undefined) {
          for (const [key, text] of Object.entries(find(manifests, 'ConfigMap', volume.configMap.name).data ?? {}))
            writeFileSync(join(dir, key), text, { mode: 0o644 });
        }
        hostPaths[volume.name] = dir;
      }
      const volumes = (c.volumeMounts as VolumeMount[]).map(
        (m) => `${hostPaths[m.name]}:${m.mountPath}${m.readOnly ? ':ro' : ''}`,
      );
      port = await freePort();
      pod = await Container.create(images.server.id, images.server.config, {
        // The pod's env as rendered; only the port moves (the host's network is the container's here).
        env: { ...envOf(manifests), FARAMESH_PORT: String(port) },
        user: `${spec.securityContext.runAsUser}:${spec.securityContext.runAsGroup}`,
        volumes,
      });
      // What the runtime itself writes into a container's layer, before the server runs.
      await pod.exec(['true']);
      baseline = [...(await pod.writtenPaths()), ...RUNTIME_FILES].sort();
      pod.start();
      await pod.waitForHttp(port);
    }, 120_000);

    afterAll(async () => {
      await pod?.remove();
      for (const dir of temp) rmSync(dir, { recursive: true, force: true });
    });

    it('passes its startup, liveness and readiness probes', async () => {
      const c = container(rendered.sqlite ?? []);
      for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe])
        expect((await api(`http://127.0.0.1:${port}`, probe.httpGet.path)).status, probe.httpGet.path).toBe(200);
      expect(pod.processUid()).toBe(uid);
    });

    it('writes nothing outside its volumes, so it runs on a read-only root file system', async () => {
      const tokens = envOf(rendered.sqlite ?? []).FARAMESH_TOKENS?.split(',') ?? [];
      const agent = tokens.find((t) => t.includes(':agent:'))?.split(':')[2] ?? '';
      for (const tool of ['http', 'shell', 'stripe']) {
        const res = await api(`http://127.0.0.1:${port}`, '/v1/actions', {
          token: agent,
          body: { agent_id: 'agent-1', tool, operation: tool === 'http' ? 'get' : 'run' },
        });
        expect(res.status).toBe(201);
      }
      expect(await written()).toEqual(baseline);
      const stopped = await pod.stop();
      expect(stopped.code, stopped.output).toBe(0);
      expect(await written()).toEqual(baseline);
    });
  });
});

import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './container-tools.js';

const RECIPE = join(import.meta.dirname, 'stand-in-node.Containerfile');
const SUITE = 'trixie'; // the first Debian release whose nodejs is 20 (20.19)
const MIRROR = process.env.FARAMESH_TEST_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const DEBOOTSTRAP = ['--variant=minbase', SUITE];

/** The certificate authorities this machine trusts, which the stand-in's Node must trust too. */
function machineCaBundle(): string {
  const candidates = [process.env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt'];
  const found = candidates.find((path) => path !== undefined && path !== '' && existsSync(path));
  if (found === undefined) throw new Error('no CA bundle: set NODE_EXTRA_CA_CERTS to the machine CA bundle');
  return found;
}

/** The stand-in's name: its inputs (recipe, debootstrap suite and mirror, CA bundle) hashed. */
export function standInName(): string {
  const key = createHash('sha256')
    .update(readFileSync(RECIPE))
    .update(JSON.stringify([DEBOOTSTRAP, MIRROR]))
    .update(readFileSync(machineCaBundle()))
    .digest('hex')
    .slice(0, 16);
  return `localhost/faramesh-test-node20:${key}`;
}

export async function imageExists(name: string): Promise<boolean> {
  try {
    await run('buildah', ['inspect', '--type', 'image', name]);
    return true;
  } catch {
    return false;
  }
}

/**
 * The local image standing in for node:20-bookworm-slim, built once per machine and kept in the
 * container storage under a name keyed by its inputs (rebuilt when missing or when an input changes;
 * about 1.5 min). Returns its name and whether it was built now.
 */
export async function ensureStandInBase(): Promise<{ name: string; builtInMs: number | null }> {
  const name = standInName();
  if (await imageExists(name)) return { name, builtInMs: null };
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), 'faramesh-stand-in-'));
  const minbase = name.replace('faramesh-test-node20', 'faramesh-test-minbase');
  try {
    const rootfs = join(work, 'rootfs');
    await run('debootstrap', [...DEBOOTSTRAP, rootfs, MIRROR]);
    // debootstrap copies the host's name resolution in; the container runtime provides its own.
    rmSync(join(rootfs, 'etc/resolv.conf'), { force: true });
    rmSync(join(rootfs, 'etc/hostname'), { force: true });
    await run('sh', ['-c', `tar -C "${rootfs}" -c . | podman import - "${minbase}"`]);
    const context = join(work, 'context');
    await run('mkdir', [context]);
    copyFileSync(machineCaBundle(), join(context, 'machine-ca.crt'));
    await run('buildah', [
      'bud',
      ...BUD_FLAGS,
      '--build-arg',
      `MINBASE=${minbase}`,
      '--file',
      RECIPE,
      '--tag',
      name,
      context,
    ]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { name, builtInMs: Date.now() - started };
}

/**
 * How every image here is built: no Docker engine, no user namespace, the host's network (the
 * sandbox has no bridge), the Docker format (OCI drops HEALTHCHECK), cached layers (the two targets
 * share their build stage), nothing pulled (every base is local).
 */
export const BUD_FLAGS = [
  '--isolation',
  'chroot',
  '--network',
  'host',
  '--format',
  'docker',
  '--layers',
  '--pull=never',
];

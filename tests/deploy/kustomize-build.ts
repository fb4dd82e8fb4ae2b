import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, run } from './image/container-tools.js';
import { type Manifest, parseManifests } from './kustomize.js';

/**
 * The real `kustomize` (what `kubectl apply -k` embeds), built from the Go module proxy with
 * `go install` once per machine and cached. v5.8.1 is the newest that builds with the Go here (1.26).
 */
export const KUSTOMIZE_VERSION = 'v5.8.1';
const BINARY = join(CACHE_DIR, 'bin', `kustomize-${KUSTOMIZE_VERSION}`);

function goCommand(): string | null {
  for (const go of ['go', '/usr/local/go/bin/go']) if (spawnSync(go, ['version']).status === 0) return go;
  return null;
}

/**
 * Whether `kustomize build` can run: the cached binary, or Go to build it. Outside CI a missing Go
 * skips with the reason; under CI (`CI` set) it is an error, so the check is never skipped silently.
 */
export function kustomizeAvailability(ci = process.env.CI): { available: true } | { available: false; reason: string } {
  if (existsSync(BINARY) || goCommand() !== null) return { available: true };
  const reason = `kustomize ${KUSTOMIZE_VERSION} is not cached at ${BINARY} and there is no Go to build it with`;
  if (ci) throw new Error(`${reason}; CI is set, so the kustomize checks are mandatory`);
  return { available: false, reason };
}

/** The cached binary, built first if missing (about 2 minutes; parallel builders each rename theirs in). */
export async function kustomizeBinary(): Promise<string> {
  if (existsSync(BINARY)) return BINARY;
  const go = goCommand();
  if (go === null) throw new Error(`kustomize ${KUSTOMIZE_VERSION}: no cached binary and no Go to build it`);
  mkdirSync(join(CACHE_DIR, 'bin'), { recursive: true });
  const gobin = mkdtempSync(join(CACHE_DIR, 'bin', 'go-install-'));
  try {
    await run(go, ['install', `sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}`], {
      env: { ...process.env, GOBIN: gobin, GOTOOLCHAIN: 'local' },
    });
    renameSync(join(gobin, 'kustomize'), BINARY);
  } finally {
    rmSync(gobin, { recursive: true, force: true });
  }
  return BINARY;
}

/** `kustomize build <dir>`, parsed. */
export async function kustomizeBuild(dir: string): Promise<Manifest[]> {
  return parseManifests(await run(await kustomizeBinary(), ['build', dir]));
}

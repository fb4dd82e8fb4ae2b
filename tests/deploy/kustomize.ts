import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { applyPatch, type PatchOp } from './json-patch.js';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field by the tests
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

interface Kustomization {
  resources?: string[];
  patches?: { target: { kind: string; name: string }; patch: string }[];
}

/**
 * Renders a kustomization the way `kubectl kustomize` does for the features used here: resources
 * (files and folders with their own kustomization) and inline JSON 6902 patches with a kind/name target.
 */
export function render(dir: string): Manifest[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  let manifests: Manifest[] = [];
  for (const resource of k.resources ?? []) {
    const path = join(dir, resource);
    manifests = manifests.concat(resource.endsWith('.yaml') ? readManifests(path) : render(path));
  }
  for (const { target, patch } of k.patches ?? []) {
    const ops = parse(patch) as PatchOp[];
    let hits = 0;
    manifests = manifests.map((m) => {
      if (m.kind !== target.kind || m.metadata.name !== target.name) return m;
      hits += 1;
      return applyPatch(m, ops);
    });
    if (hits === 0) throw new Error(`${dir}: patch target ${target.kind}/${target.name} not found`);
  }
  return manifests;
}

export function readManifests(path: string): Manifest[] {
  return parseAllDocuments(readFileSync(path, 'utf8'))
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

export function find(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (found === undefined) throw new Error(`no ${kind}${name === undefined ? '' : `/${name}`}`);
  return found;
}

export const KUBERNETES_DIR = resolve(import.meta.dirname, '../../deploy/kubernetes');

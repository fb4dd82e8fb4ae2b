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
  return parseManifests(readFileSync(path, 'utf8'));
}

/** A multi-document YAML stream of manifests (a file, or what `kustomize build` prints). */
export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

export function find(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (found === undefined) throw new Error(`no ${kind}${name === undefined ? '' : `/${name}`}`);
  return found;
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string; optional?: boolean } };
}

// biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field by the tests
export const container = (manifests: Manifest[]): any =>
  find(manifests, 'Deployment', 'faramesh').spec.template.spec.containers[0];

/**
 * The container's environment with Secret references resolved from the Secret manifest, as the
 * kubelet does: a missing key of an `optional` reference leaves the variable unset.
 */
export function envOf(manifests: Manifest[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of container(manifests).env as EnvVar[]) {
    if (v.value !== undefined) env[v.name] = v.value;
    else if (v.valueFrom !== undefined) {
      const secret = find(manifests, 'Secret', v.valueFrom.secretKeyRef.name);
      const value = secret.stringData?.[v.valueFrom.secretKeyRef.key];
      if (value !== undefined) env[v.name] = value;
      else if (v.valueFrom.secretKeyRef.optional !== true)
        throw new Error(`${v.name}: no key ${v.valueFrom.secretKeyRef.key}`);
    }
  }
  return env;
}

export const KUBERNETES_DIR = resolve(import.meta.dirname, '../../deploy/kubernetes');

/** RFC 6902 JSON Patch (add, remove, replace, test): what the kustomizations' patches use. */
export interface PatchOp {
  op: 'add' | 'remove' | 'replace' | 'test';
  path: string;
  value?: unknown;
}

type Container = Record<string, unknown> | unknown[];

export function applyPatch<T>(document: T, ops: PatchOp[]): T {
  const copy = structuredClone(document);
  for (const op of ops) apply(copy as Container, op);
  return copy;
}

function apply(root: Container, op: PatchOp): void {
  const keys = op.path
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = keys.pop();
  if (last === undefined) throw new Error(`cannot patch the root (${op.path})`);
  let parent: unknown = root;
  for (const key of keys) {
    parent = (parent as Record<string, unknown>)[key];
    if (parent === null || typeof parent !== 'object') throw new Error(`${op.path}: no such path`);
  }
  const target = parent as Container;
  if (Array.isArray(target)) {
    const index = last === '-' ? target.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > target.length) throw new Error(`${op.path}: bad index`);
    if (op.op === 'add') target.splice(index, 0, op.value);
    else if (index >= target.length) throw new Error(`${op.path}: no such element`);
    else if (op.op === 'remove') target.splice(index, 1);
    else if (op.op === 'replace') target[index] = op.value;
    else if (JSON.stringify(target[index]) !== JSON.stringify(op.value)) throw new Error(`${op.path}: test failed`);
    return;
  }
  if (op.op !== 'add' && !(last in target)) throw new Error(`${op.path}: no such member`);
  if (op.op === 'remove') delete target[last];
  else if (op.op === 'test') {
    if (JSON.stringify(target[last]) !== JSON.stringify(op.value)) throw new Error(`${op.path}: test failed`);
  } else target[last] = op.value;
}

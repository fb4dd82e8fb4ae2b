import { rmSync } from 'node:fs';
import { afterAll } from 'vitest';

// Temp directories tests create are removed after their test file, not when their server stops:
// tests restart servers on the same directory and read its files after a stop. Some hold large
// databases (tests/e2e/memory-capped-heap.test.ts writes ~1 GB), and left behind they fill the disk
// over repeated CI runs. This file is a vitest setup file, so the hook below is registered first
// in every test file and runs after the file's own afterAll hooks have stopped its servers.
const KEY = Symbol.for('faramesh.test.tempDirs');
type Registry = { [KEY]?: Set<string> };

/** Marks `dir` for removal once the current test file has finished. */
export function removeAfterFile(dir: string): void {
  const registry = globalThis as Registry;
  registry[KEY] ??= new Set();
  registry[KEY].add(dir);
}

afterAll(() => {
  const dirs = (globalThis as Registry)[KEY];
  if (dirs === undefined) return;
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
});

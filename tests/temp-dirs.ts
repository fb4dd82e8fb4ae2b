import { rmSync } from 'node:fs';
import { afterAll } from 'vitest';

// Temp directories tests create are removed after their test file, not when their server stops:
// tests restart servers on the same directory and read its files after a stop. Some hold large
// databases (tests/e2e/memory-capped-heap.test.ts writes ~1 GB), and left behind they fill the disk
// over repeated CI runs. This file is a vitest setup file, so the hook below is registered first
// in every test file and runs after the file's own afterAll hooks have stopped its servers.
// Package test helpers (packages/server/src/testing, packages/cli/src/testing) can't import this
// file, so they add their directories to the same set, found under this global symbol.
const KEY = Symbol.for('faramesh.test.tempDirs');
const registry = globalThis as { [KEY]?: Set<string> };
registry[KEY] ??= new Set<string>();
const dirs = registry[KEY];

/** Marks `dir` for removal once the current test file has finished. */
export function removeAfterFile(dir: string): void {
  dirs.add(dir);
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
});

// `node bench/lib/memory-server.mjs <checkout>`: that checkout's built server on the memory store
// (no SQLite), in open mode with the default policy and no rate limit, printing "listening on <url>".
// For A/B runs of the server's own CPU per request (HTTP, hooks, validation, the submit path and
// serialization) without the store's time, which dominates and varies with the machine's disk.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(process.argv[2] ?? '.');
const load = (path) => import(pathToFileURL(join(root, path)).href);
const { createServer, resolveConfig } = await load('packages/server/dist/index.js');
const { createMemoryStore } = await load('packages/store/dist/index.js');
const dir = mkdtempSync(join(tmpdir(), 'faramesh-memory-'));
const env = { FARAMESH_TOKEN: '', FARAMESH_TOKENS: '', FARAMESH_RATE_LIMIT: '0' };
const config = resolveConfig({ policyFile: join(root, 'policies/default.yaml'), port: 0 }, env, {}, dir);
const server = await createServer({ ...config, uiDir: null }, { store: createMemoryStore() });
const { url } = await server.listen();
process.stdout.write(`listening on ${url}\n`);
process.once('SIGINT', () => server.close().then(() => process.exit(0)));

#!/usr/bin/env node
// The installed `faramesh` and `faracore` commands. This file is committed, unlike dist/, because npm
// links a workspace's bin into node_modules/.bin only if the file exists at install time, and
// dist/bin.js is built after `npm install` (`npm start` and `npm run build` build it).
import { existsSync } from 'node:fs';
import { basename } from 'node:path';

const cli = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(cli)) {
  const name = basename(process.argv[1] ?? 'faramesh').replace(/\.js$/, '');
  process.stderr.write(`${name}: the CLI is not built yet (packages/cli/dist is missing): run npm run build\n`);
  process.exit(1);
}
await import(cli.href);

#!/usr/bin/env node
import { basename } from 'node:path';
import { exitOnClosedPipe, processIo } from './io.js';
import { run } from './program.js';

// `faracore` is the same binary under the seed's name; help and errors show the name used.
const invokedAs = basename(process.argv[1] ?? 'faramesh').replace(/\.js$/, '');
const name = invokedAs === 'faracore' ? 'faracore' : 'faramesh';

exitOnClosedPipe(process.stdout);
exitOnClosedPipe(process.stderr);
const code = await run(process.argv.slice(2), processIo(), name);
process.exitCode = code;

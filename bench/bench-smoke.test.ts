import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// A short run of the whole benchmark suite, so the benchmarks can't rot: every one must run to its
// end and print sane figures. No timing assertions: this machine's load decides those.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let output = '';
let status: number | null = null;

beforeAll(() => {
  if (!existsSync(join(root, 'packages/cli/dist/bin.js'))) {
    spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  }
  const run = spawnSync(process.execPath, [join(root, 'bench/run-all.mjs'), '--smoke'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 240_000,
  });
  output = `${run.stdout}${run.stderr}`;
  status = run.status;
}, 300_000);

describe('benchmark suite (smoke run)', () => {
  it('runs every benchmark to the end', () => {
    expect(output).not.toContain('FAILED');
    expect(status, output).toBe(0);
  });

  it('prints the machine before each benchmark', () => {
    const sections = output.split('\n## ').slice(1);
    expect(sections.length).toBeGreaterThanOrEqual(5);
    for (const section of sections) {
      if (section.includes('skipped')) continue;
      expect(section, section).toMatch(/machine: \d+ cores × .+ Node v\d+.+load [\d.]+/);
    }
  });

  it('reports each target with a finite figure', () => {
    const targets = output.split('\n').filter((line) => line.startsWith('target'));
    expect(targets.length).toBeGreaterThanOrEqual(5);
    for (const line of targets) expect(line, line).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('compares every engine and server with its baseline', () => {
    expect(output).toMatch(/rules {2}faramesh p50 .+ cedar p50 .+ at p50/);
    expect(output).toMatch(/shell pack {2}short, cold \(parse\) +p50 .+ µs/);
    expect(output).toMatch(/node:http .+ req\/s/);
    expect(output).toMatch(/ratio .+% of the ceiling/);
    expect(output).toMatch(/polling every 1000 ms/);
    expect(output).toMatch(/faramesh +p50 .+ lost 0, duplicated 0/);
    expect(output).toMatch(/GiB per million/);
    expect(output).toMatch(/limits {2}no limit +p50 .+ µs/);
    expect(output).toMatch(/limits {2}limit, as a submission decides +p50 .+ µs/);
    expect(output).toMatch(/target: a rate limit keeps submit throughput within 10% → [\d.]+%/);
    expect(output).toMatch(/target all configured: [\d.]+% of the throughput with none; cpu\/req [\d.]+% of none/);
    expect(output).toMatch(/eval {2}grant \(decision \+ coverage\) +[\d.,]+ ns\/decision .+% of approval rule's/);
    expect(output).toMatch(/submit {2}both +[\d,]+ req\/s \([\d.]+%\) +cpu\/req +[\d,]+ µs \([\d.]+%\) +failed 0/);
    expect(output).toMatch(/pass +[\d,]+ rows removed in \d+ transactions, [\d.]+ s .+ slowest transaction [\d.]+ ms/);
    expect(output).toMatch(/submissions during the pass +\d+ writes +p50 +[\d.]+ ms +p99 +[\d.]+ ms/);
  });
});

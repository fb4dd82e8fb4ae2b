// The one test command (`npm test`): builds, runs every test suite, and ends with a plain
// "N passed, N failed, N skipped" line that CI can read whatever the runner.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(build.status ?? 1);
}

// Every suite runs with TMPDIR pointed at a directory of this run, removed at the end: many tests
// make temp directories (databases, configs, clusters) that are theirs to keep until their file
// ends, and whatever a test leaves there goes with the run instead of piling up in /tmp. Readable
// and writable like /tmp, for the PostgreSQL clusters that run as the `postgres` user under root.
const run = mkdtempSync(join(tmpdir(), 'faramesh-tests-'));
chmodSync(run, 0o755);
const runTmp = join(run, 'tmp');
mkdirSync(runTmp);
chmodSync(runTmp, 0o1777);
const env = { ...process.env, TMPDIR: runTmp };
const report = join(run, 'vitest.json');
const vitest = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules/vitest/vitest.mjs'),
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit', env },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests + (json.numFailedTestSuites ?? 0);
  skipped = json.numPendingTests + json.numTodoTests;
} else {
  failed = 1;
}
const vitestOk = vitest.status === 0 && failed === 0 && passed > 0;

const python = runPython();
passed += python.passed;
failed += python.failed;
skipped += python.skipped;

rmSync(runTmp, { recursive: true, force: true });
const ok = vitestOk && python.ok && failed === 0;
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);

// The Python suites: the SDK with the LangChain/LangGraph/CrewAI/AG2/LlamaIndex integrations in
// python/.venv, and each Microsoft framework in a venv of its own holding only its extra (what a user
// installs; it also keeps their pins from fighting the others'). Each venv is reinstalled when
// pyproject.toml changes. A framework suite that skips (its framework did not install) fails.
// A function (hoisted), not a const: the top-level code above runs before this line is reached.
function frameworkSuites() {
  return [
    { venv: '.venv-autogen', extra: 'test-autogen', tests: ['tests/test_autogen.py'] },
    { venv: '.venv-agent-framework', extra: 'test-agent-framework', tests: ['tests/test_agent_framework.py'] },
  ];
}

function runPython() {
  const probe = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    console.error('\npython: python3 is missing: the Python SDK tests cannot run. Install Python 3.11+.');
    return { ok: false, passed: 0, failed: 1, skipped: 0 };
  }
  const others = frameworkSuites().flatMap((suite) => suite.tests.map((t) => `--ignore=${t}`));
  const suites = [
    { venv: '.venv', extra: 'test', args: others, skipsAllowed: true },
    ...frameworkSuites().map((suite) => ({
      venv: suite.venv,
      extra: suite.extra,
      args: suite.tests,
      skipsAllowed: false,
    })),
  ];
  const total = { ok: true, passed: 0, failed: 0, skipped: 0 };
  for (const suite of suites) {
    const result = runPythonSuite(suite);
    console.log(`python ${suite.venv}: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`);
    total.ok &&= result.ok;
    total.passed += result.passed;
    total.failed += result.failed;
    total.skipped += result.skipped;
  }
  return total;
}

// One pytest run in python/<venv> with python/[<extra>] installed (again when pyproject.toml changes).
function runPythonSuite({ venv: venvName, extra, args, skipsAllowed }) {
  const failure = (why) => {
    console.error(`\npython ${venvName}: ${why}`);
    return { ok: false, passed: 0, failed: 1, skipped: 0 };
  };
  const pyDir = join(root, 'python');
  const venv = join(pyDir, venvName);
  const venvPython = join(venv, 'bin', 'python');
  if (!existsSync(venvPython)) {
    console.log(`\npython: creating python/${venvName}`);
    const made = spawnSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
    if (made.status !== 0)
      return failure(`could not create python/${venvName} (is the python3-venv package installed?)`);
  }
  const stamp = join(venv, '.faramesh-installed');
  const want = createHash('sha256')
    .update(readFileSync(join(pyDir, 'pyproject.toml')))
    .digest('hex');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== want) {
    console.log(`python: installing the faramesh package with its ${extra} extras (first run takes a few minutes)`);
    const pip = spawnSync(
      venvPython,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-e', `${pyDir}[${extra}]`],
      {
        cwd: pyDir,
        stdio: 'inherit',
      },
    );
    if (pip.status !== 0) return failure(`pip install of python/[${extra}] failed`);
    writeFileSync(stamp, want);
  }
  const junit = join(mkdtempSync(join(run, 'pytest-')), 'pytest.xml');
  const pytest = spawnSync(venvPython, ['-m', 'pytest', '-q', `--junitxml=${junit}`, ...args], {
    cwd: pyDir,
    stdio: 'inherit',
    env,
  });
  if (!existsSync(junit)) return failure(`pytest did not run (exit ${pytest.status})`);
  const xml = readFileSync(junit, 'utf8');
  const attr = (name) =>
    [...xml.matchAll(new RegExp(`<testsuite [^>]*\\b${name}="(\\d+)"`, 'g'))].reduce((n, m) => n + Number(m[1]), 0);
  const tests = attr('tests');
  const bad = attr('failures') + attr('errors');
  const skip = attr('skipped');
  if (!skipsAllowed && skip > 0) {
    console.error(
      `\npython ${venvName}: ${skip} tests skipped; its framework must install there (Python 3.11+ with pip)`,
    );
    return { ok: false, passed: tests - bad - skip, failed: bad + skip, skipped: 0 };
  }
  return { ok: pytest.status === 0 && bad === 0 && tests > 0, passed: tests - bad - skip, failed: bad, skipped: skip };
}

#!/usr/bin/env node
// The root entry point for `npm start`, `npm test`, `npm run build` and `npm run bench` on a machine
// that has only Node and npm: it finds or fetches the pinned pnpm, installs the workspace when
// needed, and then runs the task. Keeping this in one file is what keeps the README's quick start true.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preflight, prepareSfuWorker } from './preflight.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = pkg.packageManager.split('@')[1];

function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function must(cmd, args, opts) {
  const code = run(cmd, args, opts);
  if (code !== 0) {
    console.error(`\n✖ ${cmd} ${args.join(' ')} failed with exit code ${code}`);
    process.exit(code);
  }
}

/** The pnpm command line: the installed one if its version matches, else the pinned one via npx. */
function pnpm() {
  const probe = spawnSync('pnpm', ['--version'], { cwd: root, encoding: 'utf8' });
  if (probe.status === 0 && probe.stdout.trim() === pnpmVersion) return ['pnpm', []];
  return ['npx', ['--yes', `pnpm@${pnpmVersion}`]];
}

function pnpmRun(args) {
  const [cmd, pre] = pnpm();
  must(cmd, [...pre, ...args]);
}

function installIfNeeded() {
  const marker = join(root, 'node_modules', '.modules.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
  if (!fresh || process.env.CI) pnpmRun(['install', '--frozen-lockfile']);
}

/**
 * Prints the run's totals as one plain line that any CI can read: `Tests: N passed, N failed, N
 * skipped`. A test file that failed without a failing test (it did not load, or a `beforeAll`
 * threw) counts as failed with all of its tests that did not pass, or as one failed test when it
 * has none, so a red run can never read `0 failed`.
 */
function summarise(file, exitCode) {
  if (!existsSync(file)) {
    console.log(
      `\nTests: no report was written (vitest exited with code ${exitCode}): the run failed.`,
    );
    return;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const brokenFiles = [];
  for (const suite of r.testResults ?? []) {
    const tests = suite.assertionResults ?? [];
    const fileFailed = suite.status === 'failed';
    const failing = tests.filter((t) => t.status === 'failed').length;
    passed += tests.filter((t) => t.status === 'passed').length;
    if (fileFailed && failing === 0) {
      brokenFiles.push(suite.name);
      failed += Math.max(1, tests.filter((t) => t.status !== 'passed').length);
    } else {
      failed += failing;
      skipped += tests.filter((t) => t.status !== 'passed' && t.status !== 'failed').length;
    }
  }
  if (brokenFiles.length > 0) {
    console.log(
      `\n${brokenFiles.length} test file(s) failed outside a test (did not load, or a hook threw):\n` +
        brokenFiles.map((name) => `  ${name.replace(`${root}/`, '')}`).join('\n'),
    );
  }
  if (exitCode !== 0 && failed === 0) failed = 1;
  console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
}

// The libraries, and the demo the server serves at `/` (built from them).
const builtLibraries = ['--filter', './packages/**', '--filter', './examples/demo'];

const tasks = {
  async build() {
    await preflight(name, { root });
    installIfNeeded();
    prepareSfuWorker(name);
    pnpmRun(['-r', ...builtLibraries, 'run', 'build']);
  },
  async start() {
    await tasks.build();
    pnpmRun(['--filter', '@minimeet/server', 'run', 'start']);
  },
  async test() {
    await tasks.build();
    pnpmRun(['-r', '--workspace-concurrency=1', 'run', 'typecheck']);
    pnpmRun(['exec', 'eslint', '.', '--max-warnings', '0']);
    pnpmRun(['exec', 'prettier', '--check', '.']);
    const report = join(root, 'node_modules', '.cache', 'vitest-report.json');
    rmSync(report, { force: true });
    const [cmd, pre] = pnpm();
    const code = run(cmd, [
      ...pre,
      'exec',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
    ]);
    summarise(report, code);
    if (code !== 0) process.exit(code);
  },
  async bench() {
    await tasks.build();
    pnpmRun(['--filter', '@minimeet/bench', 'run', 'bench', ...process.argv.slice(3)]);
  },
};

const name = process.argv[2];
if (!name || !(name in tasks)) {
  console.error(`usage: node scripts/task.mjs <${Object.keys(tasks).join('|')}>`);
  process.exit(2);
}
await tasks[name]();

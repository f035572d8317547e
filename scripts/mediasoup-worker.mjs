#!/usr/bin/env node
// Makes sure a mediasoup worker binary exists for the server, building it from source against the
// system's libraries where mediasoup's own install could not download one (no GitHub access).
//
// The order, first hit wins:
//   1. MEDIASOUP_WORKER_BIN, when it names an executable file (the operator's own worker);
//   2. the cache: <cache>/minimeet/mediasoup-worker/<version>-<platform>-<arch>/mediasoup-worker,
//      where <cache> is $XDG_CACHE_HOME or ~/.cache (MINIMEET_MEDIASOUP_CACHE_DIR overrides the
//      whole folder); a reinstall of node_modules does not touch it, so it compiles only once;
//   3. the worker mediasoup's postinstall left in its package (a machine with internet);
//   4. a build: the package's worker/ folder is copied into the cache, its meson.build files are
//      rewritten to use the system's libraries instead of meson subprojects (no C++ changes), and
//      meson + ninja compile the worker (about 6 minutes on 2 cores). The result lands in the cache.
//
// Usage: node scripts/mediasoup-worker.mjs [--path] [--rebuild]
//   (no flag) ensure the worker exists and print where it is;
//   --path    only print where it would be used from (no build), or nothing if there is none;
//   --rebuild build again even when the cache holds one.
// The server reads the same locations (MEDIASOUP_WORKER_BIN, then this cache), see docs/sfu.md.
import { spawnSync } from 'node:child_process';
import {
  accessSync,
  constants,
  copyFileSync,
  cpSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The Debian packages the build needs (also listed in preflight's table and the README). */
export const WORKER_BUILD_APT = [
  'meson',
  'ninja-build',
  'pkg-config',
  'g++',
  'make',
  'libssl-dev',
  'libuv1-dev',
  'libabsl-dev',
  'libsrtp2-dev',
  'libusrsctp-dev',
  'nlohmann-json3-dev',
];

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The installed mediasoup package of the server: its folder and version, or null. */
export function mediasoupPackage() {
  try {
    const require = createRequire(join(root, 'packages', 'server', 'package.json'));
    const file = require.resolve('mediasoup/package.json');
    const { version } = JSON.parse(readFileSync(file, 'utf8'));
    return { dir: dirname(file), version };
  } catch {
    return null;
  }
}

/** The cache folder for one mediasoup version on this platform. */
export function workerCacheDir(version) {
  const base =
    process.env.MINIMEET_MEDIASOUP_CACHE_DIR ??
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'minimeet', 'mediasoup-worker');
  return join(base, `${version}-${process.platform}-${process.arch}`);
}

/** Where a usable worker is right now (see the order above), or null. */
export function findWorker() {
  const fromEnv = process.env.MEDIASOUP_WORKER_BIN;
  if (fromEnv && executable(fromEnv)) return fromEnv;
  const pkg = mediasoupPackage();
  if (!pkg) return null;
  const cached = join(workerCacheDir(pkg.version), 'mediasoup-worker');
  if (executable(cached)) return cached;
  const bundled = join(pkg.dir, 'worker', 'out', 'Release', 'mediasoup-worker');
  if (executable(bundled)) return bundled;
  return null;
}

/** The dependency lookups that replace the subprojects, by the variable names the build uses. */
const SYSTEM_DEPENDENCIES = `
# minimeet: the system's libraries instead of meson subprojects (scripts/mediasoup-worker.mjs).
openssl_dep = dependency('openssl')
nlohmann_json_dep = dependency('nlohmann_json')
libuv_dep = dependency('libuv')
libsrtp2_sys = dependency('libsrtp2')
# Debian installs srtp.h under <includedir>/srtp2; the sources include <srtp.h>.
libsrtp2_dep = declare_dependency(
  dependencies: libsrtp2_sys,
  compile_args: ['-I' + libsrtp2_sys.get_variable(pkgconfig: 'includedir') / 'srtp2'],
)
usrsctp_dep = dependency('usrsctp')
absl_container_dep = declare_dependency(dependencies: [
  dependency('absl_flat_hash_map'),
  dependency('absl_flat_hash_set'),
  dependency('absl_inlined_vector'),
  dependency('absl_node_hash_map'),
  dependency('absl_node_hash_set'),
])
absl_strings_dep = dependency('absl_strings')
absl_types_dep = declare_dependency(dependencies: [
  dependency('absl_optional'),
  dependency('absl_variant'),
  dependency('absl_span'),
])
catch2_dep = dependency('catch2', required: false)
`;

const KNOWN_VARIABLES = new Set([
  'openssl_dep',
  'nlohmann_json_dep',
  'libuv_dep',
  'libsrtp2_dep',
  'usrsctp_dep',
  'absl_container_dep',
  'absl_strings_dep',
  'absl_types_dep',
  'catch2_dep',
]);

/** Drops top-level `x_proj = subproject(...)` blocks and points `x_proj.get_variable('v')` at v. */
function useSystemLibraries(text, file) {
  let out = text.replace(/^\w+_proj = subproject\([\s\S]*?^\)\n/gm, '');
  out = out.replace(/\b(\w+)_proj\.get_variable\('(\w+)'\)/g, (match, proj, name) => {
    if (proj === 'wingetopt') return match; // Windows only
    if (!KNOWN_VARIABLES.has(name)) {
      throw new Error(`${file}: no system library is known for ${proj}.${name}`);
    }
    return name;
  });
  return out;
}

/** Rewrites the copied worker's meson files to build against the system's libraries. */
function patchMeson(workerDir) {
  const main = join(workerDir, 'meson.build');
  let text = readFileSync(main, 'utf8');
  text = text.replace(/meson_version: '>= [\d.]+'/, "meson_version: '>= 1.0.0'");
  const anchor = text.indexOf('openssl_proj = subproject(');
  if (anchor < 0) throw new Error(`${main}: the subproject block was not found`);
  text = text.slice(0, anchor) + SYSTEM_DEPENDENCIES + text.slice(anchor);
  // The system's libraries are shared objects; only the bundled libwebrtc is linked whole.
  text = text.replace(/^link_whole = \[[\s\S]*?^\]/m, 'link_whole = [\n  libwebrtc,\n]');
  text = useSystemLibraries(text, main);
  writeFileSync(main, text);

  const webrtc = join(workerDir, 'deps', 'libwebrtc', 'meson.build');
  writeFileSync(webrtc, useSystemLibraries(readFileSync(webrtc, 'utf8'), webrtc));
}

function step(cmd, args, opts) {
  console.log(`minimeet:   $ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args[0] ?? ''} failed with exit code ${r.status}`);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (bounded) while another process builds into the same cache; true when we hold the lock. */
function takeLock(lock) {
  const deadline = Date.now() + 30 * 60_000;
  let told = false;
  while (Date.now() < deadline) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return true;
    } catch {
      const pid = Number(readFileSync(join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }));
      if (!pid || !pidAlive(pid)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!told) {
        console.log(
          `minimeet: another process (pid ${pid}) is building the worker; waiting for it`,
        );
        told = true;
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
    }
  }
  return false;
}

/** Builds the worker into the cache; returns its path. Throws with a readable message on failure. */
export function buildWorker({ rebuild = false } = {}) {
  const pkg = mediasoupPackage();
  if (!pkg) throw new Error('mediasoup is not installed (run the install first)');
  const cacheDir = workerCacheDir(pkg.version);
  const target = join(cacheDir, 'mediasoup-worker');
  mkdirSync(cacheDir, { recursive: true });
  const lock = join(cacheDir, '.lock');
  if (!takeLock(lock)) throw new Error(`timed out waiting for the build lock ${lock}`);
  try {
    if (!rebuild && executable(target)) return target;
    const cores = Math.max(1, availableParallelism());
    console.log(
      `minimeet: building the mediasoup ${pkg.version} worker from source against this system's\n` +
        `minimeet: libraries (no prebuilt worker could be downloaded). This happens once and takes\n` +
        `minimeet: about 6 minutes on 2 cores (${cores} here); the result is cached in\n` +
        `minimeet:   ${cacheDir}\n` +
        `minimeet: Debian packages it needs: ${WORKER_BUILD_APT.join(' ')}`,
    );
    const started = Date.now();
    const src = join(cacheDir, 'src');
    rmSync(src, { recursive: true, force: true });
    cpSync(join(pkg.dir, 'worker'), src, {
      recursive: true,
      filter: (p) => !p.includes(`${join('worker', 'out')}`),
    });
    patchMeson(src);
    const build = join(src, 'out', 'build');
    const env = { ...process.env };
    delete env.MEDIASOUP_WORKER_BIN;
    step(
      'meson',
      [
        'setup',
        '--buildtype',
        'release',
        '-Db_ndebug=true',
        '-Db_pie=true',
        '-Db_staticpic=true',
        '--wrap-mode=nodownload',
        build,
      ],
      { cwd: src, env },
    );
    step('ninja', ['-C', build, '-j', String(cores), 'mediasoup-worker'], { cwd: src, env });
    const tmp = `${target}.tmp-${process.pid}`;
    copyFileSync(join(build, 'mediasoup-worker'), tmp);
    renameSync(tmp, target);
    rmSync(src, { recursive: true, force: true });
    const seconds = Math.round((Date.now() - started) / 1000);
    const mb = (statSync(target).size / 1e6).toFixed(1);
    console.log(`minimeet: the mediasoup worker is built (${seconds} s, ${mb} MB): ${target}`);
    return target;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** A worker that can be used: found, else built. Returns null (after saying why) if neither works. */
export function ensureWorker() {
  const found = findWorker();
  if (found) return found;
  try {
    return buildWorker();
  } catch (error) {
    console.error(
      `minimeet: the mediasoup worker could not be built: ${error.message}\n` +
        `minimeet: the server still starts; SFU rooms are refused (sfu_unavailable) until a worker\n` +
        `minimeet: exists. Set MEDIASOUP_WORKER_BIN to one, or install: apt-get install -y ${WORKER_BUILD_APT.join(' ')}`,
    );
    return null;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  if (args.includes('--path')) {
    const found = findWorker();
    if (found) console.log(found);
    process.exit(found ? 0 : 1);
  }
  try {
    const path = args.includes('--rebuild') ? buildWorker({ rebuild: true }) : ensureWorker();
    if (path) console.log(path);
    process.exit(path ? 0 : 1);
  } catch (error) {
    console.error(`minimeet: ${error.message}`);
    process.exit(1);
  }
}

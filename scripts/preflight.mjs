// What a task needs from the machine, checked in seconds before anything slow runs. Where the
// machine is Debian or Ubuntu and we may use apt-get (as root, or through passwordless sudo), the
// missing system packages are installed, saying so; otherwise the task stops with one message that
// lists every missing piece and the command that provides it. The services the tests use
// (MariaDB, PostgreSQL, Redis) are checked the same way, by the address the tests will use.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { ensureWorker, findWorker, WORKER_BUILD_APT } from './mediasoup-worker.mjs';

/** Is `file` there and executable by us? */
function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Is `name` a command on the PATH? */
function onPath(name) {
  return (process.env.PATH ?? '')
    .split(':')
    .filter(Boolean)
    .some((dir) => executable(join(dir, name)));
}

/** The path of a command, searched on the PATH and in the sbin folders a non-root PATH lacks. */
function findCommand(name) {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin'];
  return dirs
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find(executable);
}

function osRelease() {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    return Object.fromEntries(
      text
        .split('\n')
        .map((line) => line.match(/^([A-Z_]+)=(.*)$/))
        .filter(Boolean)
        .map(([, k, v]) => [k, v.replace(/^"|"$/g, '')]),
    );
  } catch {
    return {};
  }
}

/** How this process may install Debian packages: `[]` as root, `['sudo', '-n']`, or null. */
function aptPrefix() {
  const os = osRelease();
  const family = `${os.ID ?? ''} ${os.ID_LIKE ?? ''}`;
  if (!/\b(debian|ubuntu)\b/.test(family) || !onPath('apt-get')) return null;
  if (process.getuid?.() === 0) return [];
  if (onPath('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0) {
    return ['sudo', '-n'];
  }
  return null;
}

/** Where the browser tests find Chromium (the same default the test helpers use). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * One thing a task needs from the machine: `ok()` says whether it is there; `apt` names the
 * Debian packages that provide it; `how` is what a person does where we cannot install it.
 */
const pieces = {
  toolchain: {
    what: 'python3, make and a C++ compiler (g++)',
    why: 'better-sqlite3 compiles from source where no prebuilt binary fits',
    ok: () => onPath('python3') && onPath('make') && (onPath('g++') || onPath('c++')),
    apt: ['python3', 'make', 'g++'],
    how: 'apt-get install -y python3 make g++ (or your system’s build tools)',
  },
  chromium: {
    what: `Chromium at ${CHROMIUM_PATH}`,
    why: 'the browser tests run real calls between headless pages',
    ok: () => executable(CHROMIUM_PATH),
    apt: ['chromium'],
    how: 'apt-get install -y chromium (or set CHROMIUM_PATH to a Chromium binary)',
    // Debian's package is what the tests are written against; elsewhere, CHROMIUM_PATH says where.
    aptOnlyIfDefault: true,
  },
  coturn: {
    what: 'coturn (/usr/bin/turnserver)',
    why: 'the relay-only call test runs a real TURN server on loopback',
    ok: () => executable('/usr/bin/turnserver'),
    apt: ['coturn'],
    how: 'apt-get install -y coturn',
  },
  janus: {
    what: 'Janus (/usr/bin/janus)',
    why: 'the SFU capacity benchmark runs the same load through Janus VideoRoom as its baseline',
    ok: () => executable('/usr/bin/janus'),
    apt: ['janus'],
    how: 'apt-get install -y janus',
  },
  mediasoupBuild: {
    what: 'the tools and libraries to build the mediasoup worker (meson, ninja, pkg-config, OpenSSL, libuv, abseil, libsrtp2, usrsctp, nlohmann-json)',
    why: 'the SFU needs a mediasoup worker; where none can be downloaded it is built once from source and cached',
    // Only needed while no worker exists (built, cached, downloaded or named by MEDIASOUP_WORKER_BIN).
    ok: () =>
      findWorker() !== null ||
      (onPath('meson') &&
        onPath('ninja') &&
        spawnSync(
          'pkg-config',
          [
            '--exists',
            'libsrtp2',
            'usrsctp',
            'libuv',
            'absl_flat_hash_map',
            'nlohmann_json',
            'openssl',
          ],
          { stdio: 'ignore' },
        ).status === 0),
    apt: WORKER_BUILD_APT,
    how: `apt-get install -y ${WORKER_BUILD_APT.join(' ')} (or set MEDIASOUP_WORKER_BIN to a mediasoup 3.12 worker)`,
    // Without it the server still runs (mesh rooms); only the SFU is missing.
    optional: true,
  },
  netns: {
    what: 'iproute2 (`ip`) and the right to create network namespaces (root)',
    why: 'the reconnection tests cut and move a browser’s network inside a namespace of their own',
    ok: () => Boolean(findCommand('ip')) && process.getuid?.() === 0,
    apt: ['iproute2'],
    how:
      process.getuid?.() === 0
        ? 'apt-get install -y iproute2'
        : 'run the tests as root (for example in a container or CI machine), with iproute2 installed',
    installable: () => process.getuid?.() === 0,
  },
};

/** Which pieces each task needs. */
const needs = {
  start: ['toolchain', 'mediasoupBuild'],
  build: ['toolchain'],
  test: ['toolchain', 'chromium', 'coturn', 'netns', 'mediasoupBuild'],
  bench: ['toolchain', 'chromium', 'coturn', 'janus', 'netns', 'mediasoupBuild'],
};

/** Tasks that run the server, and so want the SFU's worker (built once, then cached). */
const WANTS_WORKER = new Set(['start', 'test', 'bench']);

/**
 * Finds or builds the SFU's mediasoup worker when `task` runs the server. Call it after the
 * workspace is installed: the build needs the installed mediasoup package's sources. The build
 * runs once (minutes) and is cached; a failure leaves the SFU off, not the task.
 */
export function prepareSfuWorker(task) {
  if (!WANTS_WORKER.has(task)) return;
  if (ensureWorker() === null) {
    console.warn('minimeet: continuing without the SFU: mesh rooms work, sfu rooms are refused.');
  }
}

/** The services the tests use, at the addresses the tests will use. */
function services() {
  const at = (envName, fallback) => {
    const url = new URL(process.env[envName] ?? fallback);
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
  };
  return [
    {
      name: 'MariaDB (or MySQL)',
      ...at('MINIMEET_TEST_MYSQL_URL', 'mysql://root@127.0.0.1:3306/test'),
      env: 'MINIMEET_TEST_MYSQL_URL',
      how: 'apt-get install -y mariadb-server, then start it (user root with an empty password, database `test`)',
    },
    {
      name: 'PostgreSQL',
      ...at('MINIMEET_TEST_POSTGRES_URL', 'postgres://postgres@127.0.0.1:5432/postgres'),
      env: 'MINIMEET_TEST_POSTGRES_URL',
      how: 'apt-get install -y postgresql, then start it (user postgres, trust authentication on 127.0.0.1)',
    },
    {
      name: 'Redis',
      ...at('MINIMEET_TEST_REDIS_URL', 'redis://127.0.0.1:6379'),
      env: 'MINIMEET_TEST_REDIS_URL',
      how: 'apt-get install -y redis-server, then start it',
    },
  ];
}

/** Resolves with whether something accepts TCP connections at host:port within `ms`. */
function reachable({ host, port }, ms = 1500) {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(ms, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Is the native module of better-sqlite3 built already (so no compiler is needed)? */
function sqliteBuilt(root) {
  const pnpmDir = join(root, 'node_modules', '.pnpm');
  if (!existsSync(pnpmDir)) return false;
  const probe = spawnSync(
    process.execPath,
    ['-e', "require('better-sqlite3')(':memory:').close()"],
    { cwd: join(root, 'packages', 'server'), stdio: 'ignore' },
  );
  return probe.status === 0;
}

/**
 * Checks (and where allowed installs) what `task` needs; returns only when the task can run,
 * else prints one message listing every missing piece and exits with code 1.
 */
export async function preflight(task, { root }) {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const problems = [];
  if (major < 20 || (major === 20 && minor < 19)) {
    problems.push(`Node.js ${process.versions.node} is too old: minimeet needs 20.19 or newer.`);
  }

  let wanted = (needs[task] ?? []).map((key) => ({ key, ...pieces[key] }));
  // A compiler matters only while the native module is not built yet.
  if (wanted.some((p) => p.key === 'toolchain') && sqliteBuilt(root)) {
    wanted = wanted.filter((p) => p.key !== 'toolchain');
  }
  let missing = wanted.filter((p) => !p.ok());

  const prefix = aptPrefix();
  const installable = missing.filter(
    (p) =>
      prefix !== null &&
      (p.installable?.() ?? true) &&
      !(p.aptOnlyIfDefault && process.env.CHROMIUM_PATH),
  );
  if (installable.length > 0) {
    const packages = [...new Set(installable.flatMap((p) => p.apt))];
    const sudo = prefix.length ? `${prefix.join(' ')} ` : '';
    console.log(
      `minimeet: installing what ${task} needs from Debian's packages: ${packages.join(', ')}\n` +
        installable.map((p) => `  - ${p.what}: ${p.why}`).join('\n'),
    );
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const apt = (args) =>
      spawnSync(
        prefix[0] ?? 'apt-get',
        [...prefix.slice(1), ...(prefix.length ? ['apt-get'] : []), ...args],
        {
          stdio: ['ignore', 'ignore', 'inherit'],
          env,
        },
      ).status;
    console.log(`minimeet: ${sudo}apt-get update`);
    apt(['update', '-qq']);
    console.log(
      `minimeet: ${sudo}apt-get install -y --no-install-recommends ${packages.join(' ')}`,
    );
    const status = apt(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
    if (status !== 0) console.log(`minimeet: apt-get install ended with exit code ${status}`);
    missing = wanted.filter((p) => !p.ok());
  }
  for (const p of missing) {
    if (p.optional) {
      console.warn(`minimeet: ${p.what} is missing: ${p.why}.\n  Install: ${p.how}`);
      continue;
    }
    problems.push(`${p.what} is missing: ${p.why}.\n      Install: ${p.how}`);
  }

  if (task === 'test' || task === 'bench') {
    const list = services();
    const up = await Promise.all(list.map((s) => reachable(s)));
    list.forEach((s, i) => {
      if (!up[i]) {
        problems.push(
          `${s.name} does not answer on ${s.host}:${s.port}: the tests use it for real.\n` +
            `      Start it there, or point ${s.env} at one. To install: ${s.how}`,
        );
      }
    });
  }

  if (problems.length > 0) {
    const where =
      prefix === null && missing.length > 0
        ? '\n(These could not be installed automatically: that needs Debian or Ubuntu, as root or with passwordless sudo.)'
        : '';
    console.error(
      `\n✖ minimeet: \`npm ${task === 'start' || task === 'test' ? task : `run ${task}`}\` cannot run on this machine yet:\n\n` +
        problems.map((p) => `  - ${p}`).join('\n') +
        `${where}\n`,
    );
    process.exit(1);
  }
}

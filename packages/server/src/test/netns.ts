/**
 * A network of a test's own: a Linux network namespace joined to this host by a veth pair, so
 * that a browser started inside it reaches a server listening on the host side's address and its
 * network can be cut, restored or renumbered for real. Needs root and iproute2's `ip`; only the
 * namespace and the veth pair made here are ever touched.
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Where Debian installs iproute2's `ip` and `ss`. */
const IP = '/usr/sbin/ip';
const SS = '/usr/bin/ss';

/** Every namespace made here is named `<prefix><pid>-<random>`, so stale ones can be found. */
const NAME_PREFIX = 'mm-net-';

/** How many private /24s are tried before giving up on finding one nobody on this host uses. */
const SUBNET_TRIES = 20;

/** A namespace with one veth link to the host; see {@link createNetworkNamespace}. */
export interface NetworkNamespace {
  /** The namespace's name (`ip netns exec <name> …`). */
  readonly name: string;
  /** The host side's address: listen here to be reachable from inside the namespace. */
  readonly hostAddress: string;
  /** The namespace side's address now (it changes with {@link changeAddress}). */
  readonly address: string;
  /**
   * An executable that runs `/usr/bin/chromium` (or the given browser) with its arguments inside
   * the namespace: give it to playwright as `executablePath`.
   */
  readonly chromium: string;
  /** Takes the namespace's side of the link down: every packet between it and the host is lost. */
  cut(): Promise<void>;
  /** Brings the link back up; the address it had is kept. */
  restore(): Promise<void>;
  /**
   * Resets the host's end of every TCP connection with the namespace (`ss -K`): a server there
   * sees those connections close at once, as it would if the loss had been reported to it,
   * instead of noticing through its own heartbeat later.
   */
  resetHostConnections(): Promise<void>;
  /**
   * Gives the namespace's side a new address in the same subnet and removes the old one, as a
   * device does when it moves to another network; resolves with the new address.
   */
  changeAddress(): Promise<string>;
  /** Removes the namespace, the veth pair and the wrapper. Safe to call more than once. */
  destroy(): Promise<void>;
}

/** Options of {@link createNetworkNamespace}. */
export interface NetworkNamespaceOptions {
  /** The browser the {@link NetworkNamespace.chromium} wrapper runs; `/usr/bin/chromium` by default. */
  browser?: string;
}

async function ip(...args: string[]): Promise<string> {
  const { stdout } = await run(IP, args);
  return stdout;
}

async function inNamespace(name: string, ...args: string[]): Promise<string> {
  return ip('netns', 'exec', name, IP, ...args);
}

/** Throws an error that says why, when this process cannot make network namespaces. */
async function assertCanMakeNamespaces(): Promise<void> {
  const uid = process.getuid?.();
  if (uid !== 0) {
    throw new Error(
      `Network namespace tests need root (they run "ip netns add" and create veth pairs); ` +
        `this process runs as uid ${uid ?? 'unknown'}.`,
    );
  }
  try {
    await run(IP, ['-V']);
  } catch (error) {
    throw new Error(
      `Network namespace tests need iproute2's ${IP} (apt-get install iproute2): ${String(error)}`,
    );
  }
}

/** Removes the namespaces (and their veth pairs) that earlier runs of dead processes left behind. */
async function removeStale(): Promise<void> {
  const names = (await ip('netns', 'list'))
    .split('\n')
    .map((line) => line.split(' ')[0])
    .filter((name) => name.startsWith(NAME_PREFIX));
  for (const name of names) {
    const [pid, tag] = name.slice(NAME_PREFIX.length).split('-');
    if (!/^\d+$/.test(pid ?? '') || !/^[0-9a-f]{6}$/.test(tag ?? '') || isAlive(Number(pid))) {
      continue;
    }
    await ip('link', 'del', `mmh${tag}`).catch(() => undefined);
    await ip('netns', 'del', name).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A /24 in 10.200.0.0–10.254.255.0 that no route of this host covers yet. */
async function freeSubnet(): Promise<string> {
  const routes = await ip('-4', 'route', 'show', 'table', 'all');
  for (let i = 0; i < SUBNET_TRIES; i += 1) {
    const prefix = `10.${randomInt(200, 255)}.${randomInt(0, 256)}`;
    if (!routes.includes(`${prefix}.`)) return prefix;
  }
  throw new Error(`No free 10.2xx.x.0/24 found for a test network in ${SUBNET_TRIES} tries.`);
}

/**
 * Makes a namespace with a veth pair to the host: the host side gets `<subnet>.1`, the namespace
 * side `<subnet>.2`, both up, and the namespace's loopback up. Fails with a clear message when
 * this process may not (not root, no `ip`); undoes what it made when a step fails.
 */
export async function createNetworkNamespace(
  options: NetworkNamespaceOptions = {},
): Promise<NetworkNamespace> {
  await assertCanMakeNamespaces();
  await removeStale();
  const tag = randomBytes(3).toString('hex');
  const name = `${NAME_PREFIX}${process.pid}-${tag}`;
  const hostLink = `mmh${tag}`;
  const nsLink = `mmn${tag}`;
  const subnet = await freeSubnet();
  const hostAddress = `${subnet}.1`;
  let address = `${subnet}.2`;
  let nextHost = 3;
  const dir = await mkdtemp(join(tmpdir(), 'minimeet-netns-'));
  const chromium = join(dir, 'chromium');
  let destroyed = false;

  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    await ip('link', 'del', hostLink).catch(() => undefined);
    await ip('netns', 'del', name).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await ip('netns', 'add', name);
    await ip('link', 'add', hostLink, 'type', 'veth', 'peer', 'name', nsLink);
    await ip('link', 'set', nsLink, 'netns', name);
    await ip('addr', 'add', `${hostAddress}/24`, 'dev', hostLink);
    await ip('link', 'set', hostLink, 'up');
    await inNamespace(name, 'link', 'set', 'lo', 'up');
    await inNamespace(name, 'addr', 'add', `${address}/24`, 'dev', nsLink);
    await inNamespace(name, 'link', 'set', nsLink, 'up');
    const browser = options.browser ?? '/usr/bin/chromium';
    await writeFile(chromium, `#!/bin/sh\nexec ${IP} netns exec ${name} ${browser} "$@"\n`);
    await chmod(chromium, 0o755);
  } catch (error) {
    await destroy();
    throw error;
  }

  return {
    name,
    hostAddress,
    get address() {
      return address;
    },
    chromium,
    async cut() {
      await inNamespace(name, 'link', 'set', nsLink, 'down');
    },
    async restore() {
      await inNamespace(name, 'link', 'set', nsLink, 'up');
    },
    async resetHostConnections() {
      await run(SS, ['-K', '-t', 'dst', address]);
      const { stdout } = await run(SS, ['-H', '-t', 'state', 'established', 'dst', address]);
      if (stdout.trim() !== '') {
        throw new Error(
          `ss -K left connections with ${address} open (a kernel without INET_DIAG_DESTROY?):\n${stdout}`,
        );
      }
    },
    async changeAddress() {
      const next = `${subnet}.${nextHost}`;
      nextHost += 1;
      await inNamespace(name, 'addr', 'del', `${address}/24`, 'dev', nsLink);
      await inNamespace(name, 'addr', 'add', `${next}/24`, 'dev', nsLink);
      address = next;
      return next;
    },
    destroy,
  };
}

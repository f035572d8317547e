// A network namespace for a test participant: its own network, linked to this host through a
// small user-space bridge that can lose a share of the packets the namespace sends, or all of
// them, and squeeze what reaches it to a bit rate (a downlink). This machine's kernel has no netem
// (nor iptables or nft); a TUN device on each side and a Python loop between them do the same job.
// Needs root; nothing here ships.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A namespace with one lossy link to the host; {@link NetNamespace.close} removes every trace. */
export interface NetNamespace {
  /** The namespace's name (`ip netns`). */
  readonly name: string;
  /** The host's address on the link: a server bound here is reachable from both sides. */
  readonly hostAddress: string;
  /** The namespace's address on the link. */
  readonly address: string;
  /** An executable that runs Chromium inside the namespace, for `executablePath`. */
  readonly chromium: string;
  /** Loses `percent` of the packets the namespace sends, at random (0 loses none). */
  setLoss(percent: number): void;
  /** Cuts the link both ways (`true`), or mends it. */
  setCut(cut: boolean): void;
  /**
   * Squeezes what reaches the namespace to `kbps` kilobits a second (0 lifts it): packets queue
   * as on a slow link, and those that would wait longer than 200 ms are dropped.
   */
  setDownlink(kbps: number): void;
  /** Stops the bridge and deletes the namespace and the Chromium wrapper. */
  close(): Promise<void>;
}

// Opens a TUN device here and one in the namespace, then copies packets between them, dropping
// what the commands on stdin say: `loss <percent>` (namespace to host), `cut 1` / `cut 0`, and
// pacing host to namespace at `rate <bytes per second>` (0: at once).
const BRIDGE = `
import collections, ctypes, fcntl, os, random, select, struct, sys, time
def tun(name):
    fd = os.open('/dev/net/tun', os.O_RDWR)
    fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH', name.encode(), 0x0001 | 0x1000))
    return fd
host = tun(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)
if libc.setns(os.open(sys.argv[3], os.O_RDONLY), 0x40000000) != 0:
    raise OSError(ctypes.get_errno(), 'setns')
ns = tun(sys.argv[2])
print('ready', flush=True)
loss, cut = 0.0, False
rate, free_at, paced = 0.0, 0.0, collections.deque()
def write(dst, packet):
    try:
        os.write(dst, packet)
    except OSError:
        pass
while True:
    wait = max(0.0, paced[0][0] - time.monotonic()) if paced else None
    ready, _, _ = select.select([host, ns, 0], [], [], wait)
    now = time.monotonic()
    while paced and paced[0][0] <= now:
        write(ns, paced.popleft()[1])
    if 0 in ready:
        commands = os.read(0, 4096).decode()
        if not commands:
            break
        for line in commands.splitlines():
            cmd, _, arg = line.strip().partition(' ')
            if cmd == 'loss':
                loss = float(arg) / 100
            elif cmd == 'cut':
                cut = arg == '1'
            elif cmd == 'rate':
                rate = float(arg)
    for src, dst, p in ((ns, host, loss), (host, ns, 0.0)):
        if src in ready:
            packet = os.read(src, 65535)
            if cut or random.random() < p:
                continue
            if dst == ns and rate > 0:
                start = max(now, free_at)
                if start - now > 0.2:
                    continue
                free_at = start + len(packet) / rate
                paced.append((free_at, packet))
            elif dst == ns and paced:
                paced.append((now, packet))
            else:
                write(dst, packet)
`;

async function ip(...args: string[]): Promise<string> {
  return (await run('ip', args)).stdout;
}

// A /30 that no route of this host uses yet (other tests may hold namespaces of their own).
async function freeSubnet(): Promise<[string, string]> {
  const routes = await ip('-4', 'route', 'show', 'table', 'all');
  for (let attempt = 0; attempt < 50; attempt++) {
    const [a, b] = randomBytes(2);
    const prefix = `10.${200 + (a % 50)}.${b}`;
    if (!routes.includes(`${prefix}.`)) return [`${prefix}.1`, `${prefix}.2`];
  }
  throw new Error('no free 10.200-249.x.0/30 subnet for a test namespace');
}

/** Creates a namespace linked to the host; undoes what it made when a step fails. */
export async function createNetNamespace(): Promise<NetNamespace> {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'The connection-quality tests need root: they make a network namespace and TUN devices ' +
        'of their own (run the tests as root, as `npm test` asks).',
    );
  }
  const id = randomBytes(3).toString('hex');
  const name = `mmq-${id}`;
  // Interface names are at most 15 characters.
  const hostIf = `mqh${id}`;
  const nsIf = `mqn${id}`;
  const chromium = join(tmpdir(), `${name}-chromium.sh`);
  const script = join(tmpdir(), `${name}-bridge.py`);
  const [hostAddress, address] = await freeSubnet();
  let bridge: ChildProcess | undefined;
  const close = async () => {
    if (bridge && bridge.exitCode === null) {
      const exited = new Promise((resolve) => bridge!.once('exit', resolve));
      bridge.kill();
      await exited;
    }
    await ip('netns', 'del', name).catch(() => undefined);
    await rm(chromium, { force: true });
    await rm(script, { force: true });
  };
  try {
    await ip('netns', 'add', name);
    await writeFile(script, BRIDGE);
    const started = spawn('python3', [script, hostIf, nsIf, `/run/netns/${name}`], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    bridge = started;
    await new Promise<void>((resolve, reject) => {
      started.once('error', reject);
      started.once('exit', (code) => reject(new Error(`the bridge exited with ${code}`)));
      started.stdout.once('data', () => resolve());
    });
    await ip('addr', 'add', hostAddress, 'peer', address, 'dev', hostIf);
    await ip('link', 'set', hostIf, 'up');
    await ip('-n', name, 'addr', 'add', address, 'peer', hostAddress, 'dev', nsIf);
    await ip('-n', name, 'link', 'set', nsIf, 'up');
    await ip('-n', name, 'link', 'set', 'lo', 'up');
    await ip('-n', name, 'route', 'add', 'default', 'dev', nsIf);
    await writeFile(chromium, `#!/bin/sh\nexec ip netns exec ${name} /usr/bin/chromium "$@"\n`);
    await chmod(chromium, 0o755);
  } catch (error) {
    await close();
    throw error;
  }
  const send = (command: string) => bridge.stdin!.write(`${command}\n`);
  return {
    name,
    hostAddress,
    address,
    chromium,
    setLoss: (percent) => send(`loss ${percent}`),
    setCut: (cut) => send(`cut ${cut ? 1 : 0}`),
    setDownlink: (kbps) => send(`rate ${(kbps * 1000) / 8}`),
    close,
  };
}

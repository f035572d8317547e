/**
 * Janus (Debian's `janus`, the original design's media server) with its VideoRoom plugin, as the
 * capacity bench's comparison: started inside the bench's network namespace with `-i <the
 * namespace's address>` (on loopback its ICE finds no usable pair) and a configuration of its own
 * in a temporary folder, with the HTTP transport and the VideoRoom plugin only. Driven through the
 * plain Janus HTTP API (one session, one handle per peer, events by long poll).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetworkNamespace } from '@minimeet/server/testing';
import type { RTCPeerConnection } from 'werift';
import type { Publisher, ReceiveMode, SfuUnderTest, Subscriber } from './sfu.js';
import { createVp8Source } from './vp8-source.js';
import {
  connected,
  countDecrypted,
  countWithoutDecrypting,
  createPeer,
  newCounter,
} from './werift-peer.js';

const JANUS = process.env.JANUS_PATH ?? '/usr/bin/janus';
const DEBIAN_CONFIG = '/etc/janus/janus.jcfg';
const IP = '/usr/sbin/ip';
const HTTP_PORT = 8088;
const PLUGIN = 'janus.plugin.videoroom';

/** The folders Debian's `janus.jcfg` names (plugins, transports, event handlers, loggers). */
function debianFolders(): Record<'plugins' | 'transports' | 'events' | 'loggers', string> {
  const text = readFileSync(DEBIAN_CONFIG, 'utf8');
  const folder = (key: string, fallback: string) =>
    new RegExp(`^\\s*${key}_folder\\s*=\\s*"([^"]+)"`, 'm').exec(text)?.[1] ?? fallback;
  const lib = '/usr/lib/x86_64-linux-gnu/janus';
  return {
    plugins: folder('plugins', `${lib}/plugins`),
    transports: folder('transports', `${lib}/transports`),
    events: folder('events', `${lib}/events`),
    loggers: folder('loggers', `${lib}/loggers`),
  };
}

/** Every shared library in `folder` except `keep`, for a `disable = "…"` line. */
function allBut(folder: string, keep: string | null): string {
  const libs = readdirSync(folder).filter((f) => f.endsWith('.so') && f !== keep);
  return libs.join(',');
}

/** Writes the configuration folder: janus.jcfg, the HTTP transport, the VideoRoom plugin. */
async function writeConfig(dir: string, address: string): Promise<string> {
  const folders = debianFolders();
  const main = join(dir, 'janus.jcfg');
  await writeFile(
    main,
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${folders.plugins}"
  transports_folder = "${folders.transports}"
  events_folder = "${folders.events}"
  loggers_folder = "${folders.loggers}"
  debug_level = 2
  session_timeout = 120
}
certificates: {}
media: {}
nat: {
  ice_ignore_list = "vmnet"
}
plugins: {
  disable = "${allBut(folders.plugins, 'libjanus_videoroom.so')}"
}
transports: {
  disable = "${allBut(folders.transports, 'libjanus_http.so')}"
}
loggers: {
  disable = "${allBut(folders.loggers, null)}"
}
events: {
  broadcast = false
}
`,
  );
  await writeFile(
    join(dir, 'janus.transport.http.jcfg'),
    `general: {
  json = "plain"
  base_path = "/janus"
  http = true
  port = ${HTTP_PORT}
  ip = "${address}"
  https = false
}
admin: {
  admin_http = false
  admin_https = false
}
`,
  );
  await writeFile(join(dir, 'janus.plugin.videoroom.jcfg'), 'general: {\n}\n');
  return main;
}

interface JanusMessage {
  janus: string;
  transaction?: string;
  sender?: number;
  data?: { id: number };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: { type: 'offer' | 'answer'; sdp: string };
}

/** A Janus HTTP API session with its long-poll loop. */
class JanusSession {
  private readonly waiting = new Map<string, (message: JanusMessage) => void>();
  private readonly webrtcUp = new Map<number, () => void>();
  private readonly poll = new AbortController();
  private tx = 0;

  private constructor(
    private readonly base: string,
    readonly id: number,
  ) {
    void this.longPoll();
  }

  static async create(base: string): Promise<JanusSession> {
    const created = await post(base, { janus: 'create', transaction: 'create' });
    return new JanusSession(base, created.data!.id);
  }

  async attach(): Promise<number> {
    const answer = await post(`${this.base}/${this.id}`, {
      janus: 'attach',
      plugin: PLUGIN,
      transaction: this.nextTx(),
    });
    return answer.data!.id;
  }

  /** A plugin request; resolves with the answer's plugin data and JSEP, synchronous or not. */
  async request(
    handle: number,
    body: Record<string, unknown>,
    jsep?: { type: 'offer' | 'answer'; sdp: string },
  ): Promise<{ data: Record<string, unknown>; jsep?: JanusMessage['jsep'] }> {
    const transaction = this.nextTx();
    const event = new Promise<JanusMessage>((resolve) => this.waiting.set(transaction, resolve));
    const first = await post(`${this.base}/${this.id}/${handle}`, {
      janus: 'message',
      transaction,
      body,
      ...(jsep ? { jsep: { ...jsep, trickle: false } } : {}),
    });
    const message = first.janus === 'ack' ? await withTimeout(event, 20_000, body) : first;
    this.waiting.delete(transaction);
    const data = message.plugindata?.data ?? {};
    if (typeof data.error === 'string') {
      throw new Error(`Janus refused ${JSON.stringify(body)}: ${data.error}`);
    }
    return { data, jsep: message.jsep };
  }

  /** Resolves when Janus reports the handle's PeerConnection up (`webrtcup`). */
  webrtcUpOf(handle: number): Promise<void> {
    return withTimeout(
      new Promise<void>((resolve) => this.webrtcUp.set(handle, resolve)),
      20_000,
      `webrtcup of handle ${handle}`,
    );
  }

  async destroy(): Promise<void> {
    this.poll.abort();
    await post(`${this.base}/${this.id}`, { janus: 'destroy', transaction: this.nextTx() }).catch(
      () => undefined,
    );
  }

  private nextTx(): string {
    this.tx += 1;
    return `t${this.tx}`;
  }

  private async longPoll(): Promise<void> {
    while (!this.poll.signal.aborted) {
      let batch: JanusMessage | JanusMessage[];
      try {
        const res = await fetch(`${this.base}/${this.id}?maxev=50&rid=${Date.now()}`, {
          signal: this.poll.signal,
        });
        batch = (await res.json()) as JanusMessage | JanusMessage[];
      } catch {
        if (this.poll.signal.aborted) return;
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      for (const message of Array.isArray(batch) ? batch : [batch]) {
        if (message.janus === 'webrtcup' && message.sender !== undefined) {
          this.webrtcUp.get(message.sender)?.();
          this.webrtcUp.delete(message.sender);
        } else if (message.transaction) {
          this.waiting.get(message.transaction)?.(message);
        }
      }
    }
  }
}

async function post(url: string, body: Record<string, unknown>): Promise<JanusMessage> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const message = (await res.json()) as JanusMessage;
  if (message.janus === 'error') {
    throw new Error(`Janus error on ${JSON.stringify(body)}: ${message.error?.reason}`);
  }
  return message;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: unknown): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Janus did not answer in ${ms} ms: ${JSON.stringify(what)}`)),
      ms,
    );
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Waits (bounded) until Janus's HTTP API answers `info`. */
async function waitForApi(base: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`Janus exited with ${child.exitCode}:\n${await readFile(log, 'utf8')}`);
    }
    try {
      const res = await fetch(`${base}/info`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Janus's HTTP API did not answer in 20 s:\n${await readFile(log, 'utf8')}`);
}

/** Starts Janus in `ns` and a VideoRoom room for the bench. */
export async function startJanus(ns: NetworkNamespace): Promise<SfuUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'minimeet-janus-'));
  const config = await writeConfig(dir, ns.address);
  const log = join(dir, 'janus.log');
  const out = openSync(log, 'a');
  // `ip netns exec` enters the namespace and execs Janus: the child's pid is Janus's.
  const child = spawn(
    IP,
    ['netns', 'exec', ns.name, JANUS, '-C', config, '-F', dir, '-i', ns.address, '-o'],
    { stdio: ['ignore', out, out] },
  );
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://${ns.address}:${HTTP_PORT}/janus`;
  let session: JanusSession | null = null;
  let peers: Array<{ pc: RTCPeerConnection; stop?: () => void }> = [];
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const peer of peers) peer.stop?.();
    await Promise.all(peers.map((peer) => peer.pc.close().catch(() => undefined)));
    peers = [];
    await session?.destroy();
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForApi(base, child, log);
    session = await JanusSession.create(base);
  } catch (error) {
    await stop();
    throw error;
  }
  const janus = session;
  const admin = await janus.attach();
  const room = 1000 + Math.floor(Math.random() * 1_000_000);
  await janus.request(admin, {
    request: 'create',
    room,
    publishers: 64,
    bitrate: 0,
    fir_freq: 0,
    videocodec: 'vp8',
    audiocodec: 'opus',
    notify_joining: false,
  });
  let next = 0;

  const publish = async (): Promise<Publisher> => {
    const handle = await janus.attach();
    const pc = createPeer(ns.hostAddress);
    const source = createVp8Source();
    peers.push({ pc, stop: () => source.stop() });
    const joined = await janus.request(handle, {
      request: 'join',
      ptype: 'publisher',
      room,
      display: `publisher-${next++}`,
    });
    pc.addTransceiver(source.track, { direction: 'sendonly' });
    await pc.setLocalDescription(await pc.createOffer());
    const up = janus.webrtcUpOf(handle);
    const answer = await janus.request(
      handle,
      { request: 'publish', audio: false, video: true, data: false },
      { type: 'offer', sdp: pc.localDescription!.sdp },
    );
    if (!answer.jsep) throw new Error('Janus published without an answer');
    await pc.setRemoteDescription(answer.jsep);
    await Promise.all([connected(pc), up]);
    source.start();
    return { feed: String(joined.data.id), pc, source };
  };

  const subscribe = async (feeds: readonly Publisher[], mode: ReceiveMode): Promise<Subscriber> => {
    const handle = await janus.attach();
    const pc = createPeer(ns.hostAddress);
    peers.push({ pc });
    const counter = newCounter();
    if (mode === 'probe') countDecrypted(pc, counter);
    const attached = await janus.request(handle, {
      request: 'join',
      ptype: 'subscriber',
      room,
      streams: feeds.map((f) => ({ feed: Number(f.feed) })),
    });
    if (!attached.jsep) throw new Error('Janus attached a subscriber without an offer');
    await pc.setRemoteDescription(attached.jsep);
    await pc.setLocalDescription(await pc.createAnswer());
    if (mode === 'count') countWithoutDecrypting(pc, counter);
    const up = janus.webrtcUpOf(handle);
    await janus.request(
      handle,
      { request: 'start' },
      { type: 'answer', sdp: pc.localDescription!.sdp },
    );
    await Promise.all([connected(pc), up]);
    return { pc, counter, streams: feeds.length };
  };

  return {
    name: 'Janus 1.1.2 VideoRoom',
    pid: child.pid!,
    publish,
    subscribe,
    stop,
  };
}

/**
 * A real coturn TURN server for tests, on a free loopback port with its own temporary
 * configuration and TURN REST shared secret, plus a tiny STUN/TURN client to talk to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian installs coturn's server. */
export const TURNSERVER_BIN = '/usr/bin/turnserver';

/** The realm every test coturn announces. */
export const COTURN_REALM = 'minimeet.test';

/** A running test coturn. */
export interface RunningCoturn {
  /** `turn:` URLs to give the minimeet server as `TURN_URLS`. */
  urls: string[];
  /** The shared secret to give the minimeet server as `TURN_SECRET`. */
  secret: string;
  /** The UDP port it listens on. */
  port: number;
  /** Stops it and removes its temporary files. */
  stop(): Promise<void>;
}

/** Where and with what secret {@link startCoturn} runs; a free port and a random secret by default. */
export interface CoturnOptions {
  /** The UDP port, such as that of a coturn stopped earlier, to stand in for it. */
  port?: number;
  /** The TURN REST shared secret. */
  secret?: string;
}

/**
 * Starts `/usr/bin/turnserver` on 127.0.0.1 with `use-auth-secret`, `allow-loopback-peers` and a
 * random secret (or the given port and secret), and resolves once it answers a STUN binding
 * request.
 */
export async function startCoturn(options: CoturnOptions = {}): Promise<RunningCoturn> {
  // A free port can be taken between the probe and coturn's bind (test files run in parallel,
  // and coturn also binds the port above for RFC 5780): with a port of our choosing, try anew.
  const attempts = options.port === undefined ? 3 : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCoturnOnce(options);
    } catch (err) {
      if (attempt >= attempts) throw err;
    }
  }
}

async function startCoturnOnce(options: CoturnOptions): Promise<RunningCoturn> {
  const dir = await mkdtemp(join(tmpdir(), 'minimeet-coturn-'));
  const secret = options.secret ?? randomBytes(24).toString('base64url');
  const port = options.port ?? (await freeUdpPort());
  // A small relay range of its own, so that parallel test files rarely share one.
  const minPort = 50_000 + Math.floor(Math.random() * 700) * 20;
  const config = [
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `listening-port=${port}`,
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    `realm=${COTURN_REALM}`,
    'allow-loopback-peers',
    'no-cli',
    'no-tls',
    'no-dtls',
    'no-tcp-relay',
    `min-port=${minPort}`,
    `max-port=${minPort + 19}`,
    `log-file=${join(dir, 'turn.log')}`,
    'simple-log',
    'no-stdout-log',
    `pidfile=${join(dir, 'turnserver.pid')}`,
    `userdb=${join(dir, 'turndb')}`,
    '',
  ].join('\n');
  const configFile = join(dir, 'turnserver.conf');
  await writeFile(configFile, config);
  const child = spawn(TURNSERVER_BIN, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString();
  });
  const stop = async () => {
    await stopProcess(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForStun(port, child, () => stderr);
  } catch (err) {
    await stop();
    throw err;
  }
  return { urls: [`turn:127.0.0.1:${port}?transport=udp`], secret, port, stop };
}

async function waitForStun(port: number, child: ChildProcess, stderr: () => string) {
  const deadline = Date.now() + 10_000;
  const client = new StunClient(port);
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null) {
        throw new Error(`turnserver exited with ${child.exitCode}: ${stderr()}`);
      }
      const answer = await client.request(stunMessage(BINDING_REQUEST, []), 300).catch(() => null);
      if (answer?.type === BINDING_SUCCESS) return;
    }
    throw new Error(`turnserver did not answer on 127.0.0.1:${port} within 10 s: ${stderr()}`);
  } finally {
    client.close();
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

// ---- A minimal STUN/TURN client (RFC 5389 / RFC 5766), enough to prove credentials work. ----

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const ALLOCATE_REQUEST = 0x0003;
const ALLOCATE_SUCCESS = 0x0103;
const ALLOCATE_ERROR = 0x0113;
const ATTR = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  realm: 0x0014,
  nonce: 0x0015,
  requestedTransport: 0x0019,
} as const;

/** A decoded STUN message: its type, transaction id and attributes by type. */
interface StunMessage {
  type: number;
  transactionId: Buffer;
  attributes: Map<number, Buffer>;
}

function stunMessage(
  type: number,
  attributes: Array<[number, Buffer]>,
  integrityKey?: Buffer,
): Buffer {
  const transactionId = randomBytes(12);
  const body = Buffer.concat(attributes.map(([t, v]) => encodeAttribute(t, v)));
  const header = (length: number) => {
    const h = Buffer.alloc(20);
    h.writeUInt16BE(type, 0);
    h.writeUInt16BE(length, 2);
    h.writeUInt32BE(MAGIC_COOKIE, 4);
    transactionId.copy(h, 8);
    return h;
  };
  if (!integrityKey) return Buffer.concat([header(body.length), body]);
  // MESSAGE-INTEGRITY covers the header with a length that already counts the integrity attribute.
  const withIntegrityLength = body.length + 24;
  const hmac = createHmac('sha1', integrityKey)
    .update(Buffer.concat([header(withIntegrityLength), body]))
    .digest();
  return Buffer.concat([
    header(withIntegrityLength),
    body,
    encodeAttribute(ATTR.messageIntegrity, hmac),
  ]);
}

function encodeAttribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

function decodeStun(data: Buffer): StunMessage | null {
  if (data.length < 20 || data.readUInt32BE(4) !== MAGIC_COOKIE) return null;
  const attributes = new Map<number, Buffer>();
  const end = Math.min(data.length, 20 + data.readUInt16BE(2));
  for (let offset = 20; offset + 4 <= end;) {
    const type = data.readUInt16BE(offset);
    const length = data.readUInt16BE(offset + 2);
    attributes.set(type, data.subarray(offset + 4, offset + 4 + length));
    offset += 4 + Math.ceil(length / 4) * 4;
  }
  return { type: data.readUInt16BE(0), transactionId: data.subarray(8, 20), attributes };
}

class StunClient {
  private readonly socket: Socket = createSocket('udp4');

  constructor(private readonly port: number) {
    this.socket.on('error', () => undefined);
  }

  /** Sends one request and resolves with the answer of the same transaction, or rejects at the timeout. */
  request(message: Buffer, timeoutMs: number): Promise<StunMessage> {
    const transactionId = message.subarray(8, 20);
    return new Promise((resolve, reject) => {
      const onMessage = (data: Buffer) => {
        const answer = decodeStun(data);
        if (!answer?.transactionId.equals(transactionId)) return;
        clearTimeout(timer);
        this.socket.off('message', onMessage);
        resolve(answer);
      };
      const timer = setTimeout(() => {
        this.socket.off('message', onMessage);
        reject(new Error(`no STUN answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.socket.on('message', onMessage);
      this.socket.send(message, this.port, '127.0.0.1');
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** The outcome of {@link turnAllocate}: a relayed address, or the TURN error code. */
export type AllocateOutcome = { ok: true } | { ok: false; code: number; reason: string };

/**
 * Asks the TURN server on 127.0.0.1:`port` for a UDP relay allocation with long-term credentials,
 * the way a browser does: an unauthenticated request first (answered 401 with realm and nonce),
 * then the same request signed with MESSAGE-INTEGRITY.
 */
export async function turnAllocate(
  port: number,
  username: string,
  password: string,
  timeoutMs = 2000,
): Promise<AllocateOutcome> {
  const client = new StunClient(port);
  const udp = Buffer.from([17, 0, 0, 0]);
  try {
    const challenge = await client.request(
      stunMessage(ALLOCATE_REQUEST, [[ATTR.requestedTransport, udp]]),
      timeoutMs,
    );
    const realm = challenge.attributes.get(ATTR.realm);
    const nonce = challenge.attributes.get(ATTR.nonce);
    if (challenge.type !== ALLOCATE_ERROR || !realm || !nonce) {
      throw new Error(
        `expected a 401 challenge, got message type 0x${challenge.type.toString(16)}`,
      );
    }
    const key = createHash('md5').update(`${username}:${realm.toString()}:${password}`).digest();
    const answer = await client.request(
      stunMessage(
        ALLOCATE_REQUEST,
        [
          [ATTR.requestedTransport, udp],
          [ATTR.username, Buffer.from(username)],
          [ATTR.realm, realm],
          [ATTR.nonce, nonce],
        ],
        key,
      ),
      timeoutMs,
    );
    if (answer.type === ALLOCATE_SUCCESS) return { ok: true };
    const error = answer.attributes.get(ATTR.errorCode);
    if (!error || error.length < 4) return { ok: false, code: 0, reason: 'no error code' };
    return {
      ok: false,
      code: error.readUInt8(2) * 100 + error.readUInt8(3),
      reason: error.subarray(4).toString(),
    };
  } finally {
    client.close();
  }
}

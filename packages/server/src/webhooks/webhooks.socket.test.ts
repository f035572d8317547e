import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  PROTOCOL_VERSION,
  type AckResult,
  type JoinRoomResult,
  type SessionInfo,
  type WebhookDeliveryInfo,
  type WebhookEndpointInfo,
  type WebhookEndpointWithSecret,
} from '@minimeet/protocol';
import { createJoinToken } from '@minimeet/host';
import type { RunningServer } from '../main.js';
import { deleteRedisKeys, TEST_REDIS_URL, uniqueRedisPrefix } from '../test/cluster.js';
import {
  api,
  basicAuth,
  createApiKey,
  expectError,
  registerUser,
  startTestServer,
  waitUntil,
} from '../test/harness.js';
import type { ClientSocket } from '../test/sockets.js';

/** What a receiver got: one POST. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Verifies a Standard Webhooks signature the way a receiver would, written from the
 * specification rather than from the server's code.
 */
function verifies(secret: string, r: Received): boolean {
  const id = String(r.headers['webhook-id']);
  const timestamp = String(r.headers['webhook-timestamp']);
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key)
    .update(`${id}.${timestamp}.${r.body}`)
    .digest('base64');
  return String(r.headers['webhook-signature'])
    .split(' ')
    .some((s) => s === `v1,${expected}`);
}

/** A receiver on loopback: `/ok` answers 204, `/flaky` 500 to each message's first attempt, `/down` 500 always. */
class Receiver {
  readonly received: Received[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r: Received = {
          path: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString(),
        };
        const earlier = this.received.filter(
          (x) => x.headers['webhook-id'] === r.headers['webhook-id'],
        );
        this.received.push(r);
        const fail =
          r.path.startsWith('/down') || (r.path.startsWith('/flaky') && earlier.length === 0);
        res.writeHead(fail ? 500 : 204).end();
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Event {
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { roomId: string; sequence: number };
}
const parse = (r: Received) => JSON.parse(r.body) as Event;

const open: ClientSocket[] = [];
afterEach(() => {
  while (open.length) open.pop()!.disconnect();
});

async function connect(server: RunningServer, token: string): Promise<ClientSocket> {
  const socket: ClientSocket = io(server.url, {
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  open.push(socket);
  await new Promise<SessionInfo>((resolve, reject) => {
    socket.once('session', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

function request(socket: ClientSocket, event: string, payload: unknown): Promise<AckResult<never>> {
  return (socket.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<never>)(
    event,
    payload,
  );
}

async function join(socket: ClientSocket, roomId: string): Promise<JoinRoomResult> {
  const result = (await request(socket, 'join_room', { roomId })) as AckResult<JoinRoomResult>;
  if (!result.ok) throw new Error(`join failed: ${result.error.code}`);
  return result;
}

const redisPrefixes: string[] = [];
afterAll(async () => {
  for (const prefix of redisPrefixes) await deleteRedisKeys(prefix);
});

const BACKENDS: Array<{ name: string; env: () => Record<string, string> }> = [
  { name: 'the in-process stream', env: () => ({}) },
  {
    name: 'Redis Streams',
    env: () => {
      const prefix = uniqueRedisPrefix('webhooks.socket');
      redisPrefixes.push(prefix);
      return { REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: prefix };
    },
  },
];

describe.each(BACKENDS)('webhooks over $name', ({ name, env }) => {
  let server: RunningServer;
  const receiver = new Receiver();
  let base: string;
  let n = 0;

  /** A fresh account with an API key, so each test sees only its own rooms' events. */
  async function account() {
    const user = await registerUser(server);
    const key = await createApiKey(server, user.accessToken);
    const guest = async (room: string) =>
      connect(
        server,
        await createJoinToken(key, {
          identity: `guest-${++n}`,
          name: `Guest ${n}`,
          grants: { room },
        }),
      );
    const endpoint = async (path: string, extra: Record<string, unknown> = {}) => {
      const res = await api<WebhookEndpointWithSecret>(server, 'POST', '/api/webhooks', {
        token: user.accessToken,
        json: { url: `${base}${path}`, ...extra },
      });
      expect(res.status).toBe(201);
      return res.body;
    };
    return { user, key, guest, endpoint };
  }

  beforeAll(async () => {
    base = await receiver.start();
    server = await startTestServer({
      ...env(),
      WEBHOOK_POLL_MS: '50',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_MAX_ATTEMPTS: '5',
      WEBHOOK_DISABLE_AFTER_FAILURES: '3',
      WEBHOOK_TIMEOUT_MS: '2000',
    });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it('sends a real call’s events, signed, each with its room sequence number', async () => {
    const { user, guest, endpoint } = await account();
    const path = `/ok/${name.length}-call`;
    const hook = await endpoint(path);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const room = `standup-${++n}`;
    const a = await guest(room);
    const b = await guest(room);
    const ja = await join(a, room);
    const jb = await join(b, room);
    expect((await request(a, 'leave_room', { roomId: room })).ok).toBe(true);
    expect((await request(b, 'leave_room', { roomId: room })).ok).toBe(true);

    await waitUntil(
      'room.ended at the receiver',
      () => receiver.at(path).some((r) => parse(r).type === 'room.ended'),
      { timeoutMs: 10_000 },
    );
    const got = receiver.at(path);
    for (const r of got) {
      expect(verifies(hook.secret, r)).toBe(true);
      expect(r.headers['content-type']).toBe('application/json');
      expect(Math.abs(Number(r.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
      expect(r.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    }
    // Arrival order is not promised; the sequence numbers give the order.
    const events = got.map(parse).sort((x, y) => x.data.sequence - y.data.sequence);
    expect(events.map((e) => [e.data.sequence, e.type, e.data.participantId ?? null])).toEqual([
      [1, 'room.started', null],
      [2, 'participant.joined', ja.participant.id],
      [3, 'participant.joined', jb.participant.id],
      [4, 'participant.left', ja.participant.id],
      [5, 'participant.left', jb.participant.id],
      [6, 'room.ended', null],
    ]);
    expect(events.every((e) => e.data.roomId === room)).toBe(true);
    expect(JSON.stringify(events)).not.toContain('Guest');

    const log = await api<WebhookDeliveryInfo[]>(
      server,
      'GET',
      `/api/webhooks/${hook.id}/deliveries`,
      {
        token: user.accessToken,
      },
    );
    expect(log.status).toBe(200);
    expect(log.body).toHaveLength(6);
    expect(
      log.body.every(
        (d) => d.status === 'succeeded' && d.attempts === 1 && d.lastStatusCode === 204,
      ),
    ).toBe(true);

    const metrics = await api<string>(server, 'GET', '/api/metrics');
    expect(metrics.body).toMatch(/minimeet_webhook_deliveries_total\{outcome="succeeded"\} [1-9]/);
  });

  it('retries a delivery the receiver answered with 500, with the same id and body', async () => {
    const { user, guest, endpoint } = await account();
    const path = `/flaky/${name.length}`;
    const hook = await endpoint(path, { eventTypes: ['room.started'] });
    const room = `retry-${++n}`;
    await join(await guest(room), room);

    await waitUntil('a second attempt', () => receiver.at(path).length >= 2, { timeoutMs: 10_000 });
    const [first, second] = receiver.at(path);
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(second.body).toBe(first.body);
    expect(parse(second).type).toBe('room.started');
    expect(verifies(hook.secret, second)).toBe(true);
    await waitUntil('the log to show the success', async () => {
      const log = await api<WebhookDeliveryInfo[]>(
        server,
        'GET',
        `/api/webhooks/${hook.id}/deliveries`,
        {
          token: user.accessToken,
        },
      );
      return log.body.length === 1 && log.body[0].status === 'succeeded';
    });
    const log = await api<WebhookDeliveryInfo[]>(
      server,
      'GET',
      `/api/webhooks/${hook.id}/deliveries`,
      {
        token: user.accessToken,
      },
    );
    expect(log.body[0]).toMatchObject({ attempts: 2, lastStatusCode: 204, nextAttemptAt: null });
  });

  it('disables an endpoint after failed attempts in a row, saying why', async () => {
    const { user, guest, endpoint } = await account();
    const path = `/down/${name.length}`;
    // One event, so its attempts come one after the other.
    const hook = await endpoint(path, { eventTypes: ['room.started'] });
    const room = `down-${++n}`;
    const a = await guest(room);
    await join(a, room);
    expect((await request(a, 'leave_room', { roomId: room })).ok).toBe(true);

    let info: WebhookEndpointInfo | undefined;
    await waitUntil(
      'the endpoint to be disabled',
      async () => {
        info = (
          await api<WebhookEndpointInfo>(server, 'GET', `/api/webhooks/${hook.id}`, {
            token: user.accessToken,
          })
        ).body;
        return !info.enabled;
      },
      { timeoutMs: 10_000 },
    );
    expect(info).toMatchObject({ enabled: false, consecutiveFailures: 3 });
    expect(info!.disabledReason).toMatch(/3 failed attempts in a row; the last: HTTP 500/);
    const log = await api<WebhookDeliveryInfo[]>(
      server,
      'GET',
      `/api/webhooks/${hook.id}/deliveries`,
      {
        token: user.accessToken,
      },
    );
    expect(log.body.length).toBeGreaterThan(0);
    expect(log.body.every((d) => d.status === 'failed')).toBe(true);
    const attempts = receiver.at(path).length;
    expect(attempts).toBe(3);

    // Re-enabled, it counts from zero again.
    const enabled = await api<WebhookEndpointInfo>(server, 'PATCH', `/api/webhooks/${hook.id}`, {
      token: user.accessToken,
      json: { enabled: true },
    });
    expect(enabled.body).toMatchObject({
      enabled: true,
      disabledReason: null,
      consecutiveFailures: 0,
    });
  });

  it('signs with both secrets after a rotation, so a receiver can switch', async () => {
    const { user, key, guest, endpoint } = await account();
    const path = `/ok/${name.length}-rotated`;
    const hook = await endpoint(path, { eventTypes: ['room.started'] });
    // A host app rotates with its API key.
    const rotated = await api<WebhookEndpointWithSecret>(
      server,
      'POST',
      `/api/webhooks/${hook.id}/rotate-secret`,
      {
        headers: basicAuth(key.id, key.secret),
      },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(hook.secret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt!)).toBeGreaterThan(Date.now());
    const room = `rotated-${++n}`;
    await join(await guest(room), room);

    await waitUntil('the event', () => receiver.at(path).length >= 1, { timeoutMs: 10_000 });
    const [r] = receiver.at(path);
    expect(String(r.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(rotated.body.secret, r)).toBe(true);
    expect(verifies(hook.secret, r)).toBe(true);
    expect(verifies('whsec_' + Buffer.alloc(24).toString('base64'), r)).toBe(false);
    const listed = await api<WebhookEndpointInfo[]>(server, 'GET', '/api/webhooks', {
      token: user.accessToken,
    });
    expect(listed.body.map((e) => e.id)).toEqual([hook.id]);
    expect(JSON.stringify(listed.body)).not.toContain('whsec_');
  });

  it('validates every body and keeps accounts apart', async () => {
    const { user } = await account();
    const other = await account();
    const post = (json: unknown) =>
      api(server, 'POST', '/api/webhooks', { token: user.accessToken, json });
    expectError(await post({ url: 'not a url' }), 400, 'validation_failed');
    expectError(await post({ url: 'ftp://example.test/x' }), 400, 'validation_failed');
    expectError(
      await post({ url: `${base}/ok`, eventTypes: ['room.exploded'] }),
      400,
      'validation_failed',
    );
    expectError(await post({ url: `${base}/ok`, eventTypes: [] }), 400, 'validation_failed');
    expectError(await post({ url: `${base}/ok`, secret: 'whsec_mine' }), 400, 'validation_failed');
    expectError(
      await api(server, 'POST', '/api/webhooks', { json: { url: `${base}/ok` } }),
      401,
      'unauthorized',
    );

    const hook = await other.endpoint('/ok/other');
    expectError(
      await api(server, 'PATCH', `/api/webhooks/${hook.id}`, {
        token: user.accessToken,
        json: { enabled: false },
      }),
      404,
      'not_found',
    );
    expectError(
      await api(server, 'PATCH', `/api/webhooks/${hook.id}`, {
        token: other.user.accessToken,
        json: {},
      }),
      400,
      'validation_failed',
    );
    expectError(
      await api(server, 'GET', `/api/webhooks/${hook.id}/deliveries?limit=1000`, {
        token: other.user.accessToken,
      }),
      400,
      'validation_failed',
    );
    expectError(
      await api(server, 'DELETE', `/api/webhooks/${hook.id}`, { token: user.accessToken }),
      404,
      'not_found',
    );
    expect(
      (await api(server, 'DELETE', `/api/webhooks/${hook.id}`, { token: other.user.accessToken }))
        .status,
    ).toBe(204);
    expect(
      (
        await api<WebhookEndpointInfo[]>(server, 'GET', '/api/webhooks', {
          headers: basicAuth(other.key.id, other.key.secret),
        })
      ).body,
    ).toEqual([]);
  });
});

describe('webhook deliveries across a restart', () => {
  const receiver = new Receiver();
  let dir: string;
  afterAll(async () => {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('a retry scheduled before the restart is sent by the next process', async () => {
    const base = await receiver.start();
    dir = await mkdtemp(joinPath(tmpdir(), 'minimeet-webhooks-'));
    const env = { DATABASE_URL: `sqlite:${joinPath(dir, 'db.sqlite')}`, WEBHOOK_POLL_MS: '50' };
    const first = await startTestServer({ ...env, WEBHOOK_RETRY_BASE_MS: '1500' });
    let second: RunningServer | undefined;
    try {
      const user = await registerUser(first);
      const key = await createApiKey(first, user.accessToken);
      const created = await api<WebhookEndpointWithSecret>(first, 'POST', '/api/webhooks', {
        token: user.accessToken,
        json: { url: `${base}/flaky/restart`, eventTypes: ['room.started'] },
      });
      expect(created.status).toBe(201);
      const socket = await connect(
        first,
        await createJoinToken(key, { identity: 'restart', name: 'R', grants: { room: 'restart' } }),
      );
      await join(socket, 'restart');
      await waitUntil('the first attempt', () => receiver.at('/flaky/restart').length === 1);
      socket.disconnect();
      await first.close();
      // The retry was due after about 1.5 s: the first process stopped before sending it.
      expect(receiver.at('/flaky/restart')).toHaveLength(1);

      second = await startTestServer({ ...env, WEBHOOK_RETRY_BASE_MS: '50' });
      await waitUntil(
        'the retry from the new process',
        () => receiver.at('/flaky/restart').length >= 2,
        {
          timeoutMs: 10_000,
        },
      );
      const [a, b] = receiver.at('/flaky/restart');
      expect(b.headers['webhook-id']).toBe(a.headers['webhook-id']);
      expect(verifies(created.body.secret, b)).toBe(true);
      await waitUntil('the log to show the success', async () => {
        const now = await api<WebhookDeliveryInfo[]>(
          second!,
          'GET',
          `/api/webhooks/${created.body.id}/deliveries`,
          {
            token: user.accessToken,
          },
        );
        return (
          now.body.length === 1 && now.body[0].status === 'succeeded' && now.body[0].attempts === 2
        );
      });
    } finally {
      await second?.close();
    }
  });
});

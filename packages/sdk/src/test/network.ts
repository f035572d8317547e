// Helpers for the chat and presence tests against a real server; nothing here ships.
import { Socket, createServer, type Server } from 'node:net';
import type { AuthSession, RoomDetails } from '@minimeet/protocol';
import { AuthClient } from '../auth/AuthClient.js';
import { createClient, type MinimeetClient } from '../client/MinimeetClient.js';
import type { MinimeetClientOptions } from '../options.js';
import { PASSWORD, uniqueEmail } from './helpers.js';

/**
 * A TCP proxy on loopback between one client and the server, standing in for the client's
 * network: it can cut the connections, refuse new ones for a while, or cut the connection at the
 * moment the server sends a given text (so that the answer is lost on the way).
 */
export interface NetworkProxy {
  /** `http://127.0.0.1:<port>`: connect the client here instead of to the server. */
  readonly url: string;
  /** Destroys every open connection, in both directions, without a goodbye. */
  cutAll(): void;
  /** While true, new connections are closed at once (the network is down). */
  refuse(value: boolean): void;
  /**
   * While true, nothing passes in either direction and nothing is closed: the connections stay
   * open and silent, as when the network changes under them without anyone saying so.
   */
  hold(value: boolean): void;
  /**
   * Arms a cut: the next time the server sends bytes containing `marker` to the client, those
   * bytes are dropped and the connection is destroyed. Resolves when that has happened.
   */
  cutWhenServerSends(marker: string): Promise<void>;
  /** How many connections were cut by {@link cutWhenServerSends} or {@link cutAll}. */
  readonly cuts: number;
  /** Stops the proxy and destroys every connection. */
  close(): Promise<void>;
}

/** Starts a {@link NetworkProxy} in front of the server at `targetUrl`. */
export async function startProxy(targetUrl: string): Promise<NetworkProxy> {
  const target = new URL(targetUrl);
  const pairs = new Set<[Socket, Socket]>();
  let refusing = false;
  let holding = false;
  let cuts = 0;
  let armed: { marker: string; done: () => void } | undefined;

  const server: Server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const cut = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    // The end of the previous chunk, so that a marker split between two chunks is still seen.
    let tail = '';
    upstream.connect(Number(target.port), target.hostname);
    client.on('data', (chunk: Buffer) => {
      if (!holding) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (holding) return;
      const text = tail + chunk.toString('latin1');
      const trap = armed;
      if (trap && text.includes(trap.marker)) {
        armed = undefined;
        cuts += 1;
        cut();
        trap.done();
        return;
      }
      tail = text.slice(-256);
      client.write(chunk);
    });
    client.on('close', cut);
    upstream.on('close', cut);
    client.on('error', cut);
    upstream.on('error', cut);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}`,
    get cuts() {
      return cuts;
    },
    cutAll() {
      for (const [client, upstream] of [...pairs]) {
        cuts += 1;
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    refuse(value) {
      refusing = value;
    },
    hold(value) {
      holding = value;
    },
    cutWhenServerSends(marker) {
      return new Promise((resolve) => {
        armed = { marker: Buffer.from(marker, 'utf8').toString('latin1'), done: resolve };
      });
    },
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A signed-up user of a test server. */
export interface TestUser {
  /** The user's auth client; its `tokenProvider` connects a client. */
  auth: AuthClient;
  /** The user id. */
  id: string;
  /** A current access token. */
  token: string;
}

/** Registers a new account on the server at `serverUrl`. */
export async function signUp(serverUrl: string, displayName: string): Promise<TestUser> {
  const auth = new AuthClient(serverUrl);
  const session: AuthSession = await auth.register({
    email: uniqueEmail(),
    password: PASSWORD,
    displayName,
  });
  return { auth, id: session.user.id, token: session.accessToken };
}

/** Calls the server's REST API as `user` and returns the parsed body; throws on an error status. */
export async function api<T>(
  serverUrl: string,
  user: TestUser,
  method: string,
  path: string,
  body?: object,
): Promise<T> {
  const response = await fetch(`${serverUrl}/api${path}`, {
    method,
    headers: {
      authorization: `Bearer ${user.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Creates a room owned by `owner` that each of `members` joins (a public one); returns its id. */
export async function createRoom(
  serverUrl: string,
  owner: TestUser,
  members: readonly TestUser[] = [],
  visibility: 'public' | 'private' = 'public',
): Promise<string> {
  const room = await api<RoomDetails>(serverUrl, owner, 'POST', '/rooms', {
    name: 'Chat test',
    visibility,
  });
  for (const member of members) {
    await api(serverUrl, member, 'POST', `/rooms/${room.id}/join`, {});
  }
  return room.id;
}

/** Connects a new client as `user` to `url` (the server, or a proxy in front of it). */
export async function connectAs(
  url: string,
  user: TestUser,
  options: MinimeetClientOptions = {},
): Promise<MinimeetClient> {
  const client = createClient({ transports: ['websocket'], ...options });
  await client.connect(url, user.auth.tokenProvider);
  return client;
}

/** Reconnection settings that bring a client back within a fraction of a second. */
export const FAST_RECONNECT: MinimeetClientOptions['reconnect'] = {
  initialDelayMs: 50,
  maxDelayMs: 200,
  jitter: 0,
};

/** Resolves once `condition()` holds, checked every 10 ms; rejects naming `what` after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

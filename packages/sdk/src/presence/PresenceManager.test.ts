import type { UserPresence } from '@minimeet/protocol';
import { startTestServer, type RunningServer } from '@minimeet/server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MinimeetClient } from '../client/MinimeetClient.js';
import { InvalidStateError } from '../errors.js';
import { ClientEvent, PresenceEvent } from '../events.js';
import type { MinimeetClientOptions } from '../options.js';
import { nextEvent } from '../test/helpers.js';
import {
  FAST_RECONNECT,
  connectAs,
  createRoom,
  signUp,
  startProxy,
  until,
  type NetworkProxy,
  type TestUser,
} from '../test/network.js';
import { createClient } from '../client/MinimeetClient.js';

let server: RunningServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

const clients: MinimeetClient[] = [];
const proxies: NetworkProxy[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

async function connect(
  user: TestUser,
  options: MinimeetClientOptions & { via?: NetworkProxy } = {},
): Promise<MinimeetClient> {
  const { via, ...clientOptions } = options;
  const client = await connectAs(via?.url ?? server.url, user, clientOptions);
  clients.push(client);
  return client;
}

/** Every presence change `client` hears about `userId`, in order. */
function changesOf(client: MinimeetClient, userId: string): UserPresence[] {
  const seen: UserPresence[] = [];
  client.presence.on(PresenceEvent.PresenceChanged, (p) => {
    if (p.userId === userId) seen.push(p);
  });
  return seen;
}

/** Resolves with the next change `client` hears about `userId` that satisfies `test`. */
function nextChange(
  client: MinimeetClient,
  userId: string,
  test: (p: UserPresence) => boolean = () => true,
): Promise<UserPresence> {
  return new Promise((resolve, reject) => {
    const listener = (p: UserPresence) => {
      if (p.userId !== userId || !test(p)) return;
      clearTimeout(timer);
      client.presence.off(PresenceEvent.PresenceChanged, listener);
      resolve(p);
    };
    const timer = setTimeout(() => {
      client.presence.off(PresenceEvent.PresenceChanged, listener);
      reject(new Error(`No matching presence change of ${userId} within 5 s.`));
    }, 5_000);
    client.presence.on(PresenceEvent.PresenceChanged, listener);
  });
}

/** How many Socket.IO connections the server has open, from its metrics. */
async function openConnections(): Promise<number> {
  const text = await (await fetch(`${server.url}/api/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
  return (
    value('minimeet_socket_connections_opened_total') -
    value('minimeet_socket_connections_closed_total')
  );
}

async function twoMembers() {
  const ada = await signUp(server.url, 'Ada');
  const bob = await signUp(server.url, 'Bob');
  await createRoom(server.url, ada, [bob]);
  return { ada, bob };
}

describe('presence between two real clients', () => {
  it('shows two users who share a room to each other as online', async () => {
    const { ada, bob } = await twoMembers();
    const adaClient = await connect(ada);
    await connect(bob);

    const snapshot = await adaClient.presence.subscribeSharedRooms();

    expect(snapshot).toEqual([
      expect.objectContaining({ userId: bob.id, state: 'online', statusText: null }),
    ]);
    expect(adaClient.presence.get(bob.id)?.state).toBe('online');
    expect(adaClient.presence.all().map((p) => p.userId)).toEqual([bob.id]);
  });

  it('subscribe() by id leaves out users who share no room', async () => {
    const { ada, bob } = await twoMembers();
    const stranger = await signUp(server.url, 'Stranger');
    const adaClient = await connect(ada);
    await connect(bob);
    await connect(stranger);

    const snapshot = await adaClient.presence.subscribe([bob.id, stranger.id]);

    expect(snapshot.map((p) => [p.userId, p.state])).toEqual([[bob.id, 'online']]);
    expect(adaClient.presence.get(stranger.id)).toBeUndefined();
  });

  it('pushes busy and a status text to the other, and their clearing', async () => {
    const { ada, bob } = await twoMembers();
    const adaClient = await connect(ada);
    const bobClient = await connect(bob);
    await adaClient.presence.subscribe([bob.id]);

    const busy = nextChange(adaClient, bob.id, (p) => p.state === 'busy');
    const own = await bobClient.presence.setStatus({ busy: true, text: 'Heads down' });
    expect(own).toMatchObject({ userId: bob.id, state: 'busy', statusText: 'Heads down' });
    expect(bobClient.presence.self).toEqual(own);
    expect(await busy).toMatchObject({ state: 'busy', statusText: 'Heads down' });

    const back = nextChange(adaClient, bob.id, (p) => p.state === 'online');
    await bobClient.presence.setStatus({ busy: false, text: null });
    expect(await back).toMatchObject({ state: 'online', statusText: null });
    expect(adaClient.presence.get(bob.id)).toMatchObject({ state: 'online', statusText: null });
  });

  it('shows a user who disconnects as offline, with the time they were last seen', async () => {
    const { ada, bob } = await twoMembers();
    const adaClient = await connect(ada);
    const bobClient = await connect(bob);
    await adaClient.presence.subscribeSharedRooms();

    const offline = nextChange(adaClient, bob.id, (p) => p.state === 'offline');
    const before = Date.now();
    await bobClient.disconnect();

    const presence = await offline;
    expect(Date.parse(presence.lastSeenAt!)).toBeGreaterThanOrEqual(before - 1_000);
    expect(adaClient.presence.get(bob.id)?.state).toBe('offline');
  });

  it('keeps a user with two tabs online until the last one is gone', async () => {
    const { ada, bob } = await twoMembers();
    const adaClient = await connect(ada);
    const tab1 = await connect(bob);
    const tab2 = await connect(bob);
    await adaClient.presence.subscribe([bob.id]);
    const seen = changesOf(adaClient, bob.id);

    await tab1.disconnect();
    // The server has taken tab 1's close in; what it does with it comes before tab 2's next change.
    await until(async () => (await openConnections()) === 2, 'the server to see tab 1 close');
    const stillHere = nextChange(adaClient, bob.id, (p) => p.statusText === 'still here');
    await tab2.presence.setStatus({ text: 'still here' });
    expect(await stillHere).toMatchObject({ state: 'online' });

    const offline = nextChange(adaClient, bob.id, (p) => p.state === 'offline');
    await tab2.disconnect();
    await offline;
    expect(seen.map((p) => p.state)).toEqual(['online', 'offline']);
  });

  it('sends the status again, subscribes again and refreshes the snapshot after a reconnect', async () => {
    const { ada, bob } = await twoMembers();
    const net = await startProxy(server.url);
    proxies.push(net);
    const adaClient = await connect(ada, { via: net, reconnect: FAST_RECONNECT });
    const bobClient = await connect(bob);
    await adaClient.presence.subscribe([bob.id]);
    await bobClient.presence.subscribe([ada.id]);
    await adaClient.presence.setStatus({ busy: true, text: 'Focus' });

    const adaGone = nextChange(bobClient, ada.id, (p) => p.state === 'offline');
    const reconnecting = nextEvent(adaClient, ClientEvent.Reconnecting);
    net.refuse(true);
    net.cutAll();
    await reconnecting;
    await adaGone;
    await bobClient.presence.setStatus({ text: 'changed while you were away' });

    const adaBusyAgain = nextChange(bobClient, ada.id, (p) => p.state === 'busy');
    const refreshed = nextChange(
      adaClient,
      bob.id,
      (p) => p.statusText === 'changed while you were away',
    );
    net.refuse(false);
    expect(await adaBusyAgain).toMatchObject({ statusText: 'Focus' });
    await refreshed;

    const live = nextChange(adaClient, bob.id, (p) => p.state === 'busy');
    await bobClient.presence.setStatus({ busy: true });
    await live;
  });

  it('forgets users after unsubscribe() and hears no more about them', async () => {
    const { ada, bob } = await twoMembers();
    const adaClient = await connect(ada);
    const bobClient = await connect(bob);
    await adaClient.presence.subscribe([bob.id]);
    const seen = changesOf(adaClient, bob.id);

    await adaClient.presence.unsubscribe([bob.id]);
    expect(adaClient.presence.get(bob.id)).toBeUndefined();
    await bobClient.presence.setStatus({ busy: true });
    // Anything the server sent Ada before this answer has arrived by now.
    await adaClient.ping();
    expect(seen).toEqual([]);
  });
});

describe('presence at the public boundary', () => {
  it('rejects with InvalidStateError before the client connects', async () => {
    const client = createClient();
    await expect(client.presence.subscribe(['u1'])).rejects.toBeInstanceOf(InvalidStateError);
    await expect(client.presence.setStatus({ busy: true })).rejects.toBeInstanceOf(
      InvalidStateError,
    );
  });

  it('rejects bad arguments with TypeError', async () => {
    const client = createClient();
    await expect(client.presence.subscribe('u1' as never)).rejects.toBeInstanceOf(TypeError);
    await expect(client.presence.setStatus({})).rejects.toBeInstanceOf(TypeError);
    await expect(client.presence.setStatus({ busy: 'yes' as never })).rejects.toBeInstanceOf(
      TypeError,
    );
  });

  it('detects no away state in Node, where there is no page', async () => {
    const { ada } = await twoMembers();
    const client = await connect(ada);
    expect(client.presence.away).toBe(false);
  });
});

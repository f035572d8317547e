import {
  startCoturn,
  startTestServer,
  type RunningCoturn,
  type RunningServer,
} from '@minimeet/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidStateError, MinimeetError } from '../errors.js';
import { connectAs, signUp } from '../test/network.js';
import { createClient, type MinimeetClient } from './MinimeetClient.js';

let server: RunningServer;
let coturn: RunningCoturn;
const clients: MinimeetClient[] = [];

beforeAll(async () => {
  coturn = await startCoturn();
  server = await startTestServer({
    ICE_STUN_URLS: `stun:127.0.0.1:${coturn.port}`,
    TURN_URLS: `turn:127.0.0.1:${coturn.port}?transport=udp`,
    TURN_SECRET: coturn.secret,
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect()));
  await server?.close();
  await coturn?.stop();
});

describe('client.getIceServers()', () => {
  it('fetches STUN and TURN with short-lived credentials that coturn accepts', async () => {
    const client = await connectAs(server.url, await signUp(server.url, 'Ada'));
    clients.push(client);
    const { iceServers, ttlSeconds } = await client.getIceServers();
    expect(ttlSeconds).toBe(300);
    expect(iceServers.map((s) => s.urls[0]?.split(':')[0])).toEqual(['stun', 'turn']);
    const turn = iceServers[1];
    const { turnAllocate } = await import('@minimeet/server/testing');
    expect(await turnAllocate(coturn.port, turn.username!, turn.credential!)).toEqual({ ok: true });
  });

  it('rejects with InvalidStateError before connect()', async () => {
    await expect(createClient().getIceServers()).rejects.toBeInstanceOf(InvalidStateError);
  });

  it('passes on the server’s refusal as a MinimeetError with its code', async () => {
    const client = createClient();
    clients.push(client);
    const ada = await signUp(server.url, 'Grace');
    let calls = 0;
    await client.connect(server.url, () => (++calls === 1 ? ada.token : 'not-a-token'));
    // Not through the client's own token: a provider answering a bad token for REST calls.
    const error = await client.getIceServers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MinimeetError);
    expect((error as MinimeetError).code).toBe('token_invalid');
  });
});

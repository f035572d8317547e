import { createJoinToken } from '@minimeet/host';
import type { AckResult, ClientToServerEvents, JoinRoomResult } from '@minimeet/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../main.js';
import { api, createApiKey, registerUser, startTestServer } from '../test/harness.js';
import { closeSockets, connectSocket, waitForEvent, type ClientSocket } from '../test/sockets.js';

// The name a participant goes by in a call: a user may choose it at `join_room`; a guest's join
// token fixes it.

let server: RunningServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterEach(() => closeSockets());

afterAll(async () => {
  await server.close();
});

function join(socket: ClientSocket, payload: Record<string, unknown>) {
  return (
    socket.timeout(5000).emitWithAck as (
      e: keyof ClientToServerEvents,
      p: unknown,
    ) => Promise<never>
  )('join_room', payload) as Promise<AckResult<JoinRoomResult>>;
}

async function publicRoom(token: string): Promise<string> {
  const res = await api<{ id: string }>(server, 'POST', '/api/rooms', {
    json: { name: 'Names', visibility: 'public' },
    token,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

describe('join_room displayName', () => {
  it("shows a user's chosen name to the others and in the answer, and the account's name without one", async () => {
    const ada = await registerUser(server, { displayName: 'Ada Account' });
    const bob = await registerUser(server, { displayName: 'Bob Account' });
    const roomId = await publicRoom(ada.accessToken);
    const adaSocket = await connectSocket(server, ada.accessToken);
    const bobSocket = await connectSocket(server, bob.accessToken);

    const first = await join(adaSocket, { roomId, displayName: '  Ada at home  ' });
    expect(first.ok && first.participant.displayName).toBe('Ada at home');

    const seen = waitForEvent(adaSocket, 'participant_joined');
    const second = await join(bobSocket, { roomId });
    expect(second.ok && second.participant.displayName).toBe('Bob Account');
    expect(second.ok && second.participants.map((p) => p.displayName)).toEqual(['Ada at home']);
    expect((await seen).participant.displayName).toBe('Bob Account');
  });

  it("keeps a guest's name from the join token", async () => {
    const owner = await registerUser(server);
    const key = await createApiKey(server, owner.accessToken);
    const roomId = `names-${Date.now()}`;
    const token = await createJoinToken(key, {
      identity: 'patient-1',
      name: 'Grace',
      grants: { room: roomId },
    });
    const socket = await connectSocket(server, token);
    const result = await join(socket, { roomId, displayName: 'Someone else' });
    expect(result.ok && result.participant.displayName).toBe('Grace');
  });

  it.each([
    ['empty', ''],
    ['too long', 'x'.repeat(81)],
    ['a control character', 'Ada\u0007'],
  ])('refuses a name that is %s with validation_failed', async (_what, displayName) => {
    const ada = await registerUser(server);
    const roomId = await publicRoom(ada.accessToken);
    const socket = await connectSocket(server, ada.accessToken);
    const result = await join(socket, { roomId, displayName });
    expect(result.ok ? 'ok' : result.error.code).toBe('validation_failed');
  });
});

/**
 * Moderation on a deployment of two real server processes sharing MariaDB and Redis: a host on
 * one node mutes, locks, admits from the lobby and removes people connected to the other, and
 * two hosts on different nodes deciding on one lobby wait have one outcome. Runs the built
 * server: build it first.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AckResult, JoinRoomResult, LobbyKnockResult } from '@minimeet/protocol';
import { createJoinToken } from '@minimeet/host';
import { startCluster, type ClusterNode, type RunningCluster } from '../test/cluster.js';
import { createApiKey, registerUser } from '../test/harness.js';
import { closeSockets, connectSocket, waitForEvent, type ClientSocket } from '../test/sockets.js';

type Result = AckResult<Record<string, unknown>>;

const ask = (socket: ClientSocket, event: string, payload: unknown): Promise<Result> =>
  (socket.timeout(5000).emitWithAck as (e: string, p: unknown) => Promise<Result>)(event, payload);

const codeOf = (r: Result): string => (r.ok ? 'ok' : r.error.code);

afterEach(() => closeSockets());

describe('moderation across server nodes (MariaDB + Redis, real processes)', () => {
  let cluster: RunningCluster;
  let node1: ClusterNode;
  let node2: ClusterNode;
  let key: { id: string; secret: string };
  let n = 0;

  beforeAll(async () => {
    cluster = await startCluster({ label: 'moderation.cluster' });
    [node1, node2] = cluster.nodes as [ClusterNode, ClusterNode];
    const owner = await registerUser(node1, { displayName: 'Host app owner' });
    key = await createApiKey(node2, owner.accessToken);
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  }, 60_000);

  const connect = async (node: ClusterNode, roomId: string, grants: Record<string, unknown> = {}) =>
    connectSocket(
      node,
      await createJoinToken(key, {
        identity: `c-${++n}`,
        name: `C ${n}`,
        grants: { room: roomId, ...grants },
      }),
    );

  const join = async (socket: ClientSocket, roomId: string, tracks: unknown[] = []) => {
    const r = (await ask(socket, 'join_room', { roomId, tracks })) as AckResult<JoinRoomResult>;
    if (!r.ok) throw new Error(`join failed: ${r.error.code}`);
    return r.participant.id;
  };

  it('a host on one node mutes, locks, admits and removes people on the other', async () => {
    const roomId = `cluster-mod-${Date.now()}`;
    const host = await connect(node1, roomId, { role: 'owner' });
    await join(host, roomId);
    const target = await connect(node2, roomId);
    const mic = { source: 'microphone', kind: 'audio', streamId: 'mic', muted: false };
    const targetId = await join(target, roomId, [mic]);

    const muted = waitForEvent(target, 'moderation_muted');
    expect(
      await ask(host, 'moderation_mute', {
        roomId,
        participantId: targetId,
        sources: ['microphone'],
      }),
    ).toEqual({ ok: true, muted: 1 });
    await muted;

    await ask(host, 'moderation_room', { roomId, locked: true });
    expect(codeOf(await ask(await connect(node2, roomId), 'join_room', { roomId }))).toBe(
      'room_locked',
    );
    // With the lobby on as well, a newcomer is told to knock: a host decides.
    await ask(host, 'moderation_room', { roomId, lobby: true });
    expect(codeOf(await ask(await connect(node2, roomId), 'join_room', { roomId }))).toBe(
      'lobby_required',
    );

    const waiter = await connect(node2, roomId, { lobby: true });
    const hostSees = waitForEvent(host, 'lobby_updated', (p) => p.entries.length === 1);
    const knock = (await ask(waiter, 'lobby_knock', { roomId })) as AckResult<LobbyKnockResult>;
    expect(knock.ok).toBe(true);
    const entryId = (await hostSees).entries[0].id;
    const admitted = waitForEvent(waiter, 'lobby_admitted');
    expect(codeOf(await ask(host, 'lobby_admit', { roomId, entryId }))).toBe('ok');
    await admitted;
    // Admitted into a locked room: the admission lets it in, once.
    await join(waiter, roomId);

    const closed = waitForEvent(target, 'room_closed');
    expect(
      codeOf(
        await ask(host, 'moderation_remove', { roomId, participantId: targetId, banSeconds: 60 }),
      ),
    ).toBe('ok');
    expect((await closed).reason).toBe('removed');
    await ask(host, 'moderation_room', { roomId, locked: false, lobby: false });
    // The bar holds on every node; someone else may join again once unlocked.
    expect(codeOf(await ask(await connect(node1, roomId), 'join_room', { roomId }))).toBe('ok');
  });

  it('two hosts on different nodes admit and deny one wait at once: one outcome', async () => {
    const roomId = `cluster-lobby-${Date.now()}`;
    const a = await connect(node1, roomId, { role: 'owner' });
    const b = await connect(node2, roomId, { role: 'moderator' });
    await join(a, roomId);
    await join(b, roomId);
    const waiter = await connect(node1, roomId, { lobby: true });
    const knock = (await ask(waiter, 'lobby_knock', { roomId })) as AckResult<LobbyKnockResult>;
    const entryId = knock.ok ? knock.entry.id : '';
    const outcome = Promise.race([
      waitForEvent(waiter, 'lobby_admitted').then(() => 'admitted'),
      waitForEvent(waiter, 'lobby_denied').then(() => 'denied'),
    ]);
    const [admit, deny] = await Promise.all([
      ask(a, 'lobby_admit', { roomId, entryId }),
      ask(b, 'lobby_deny', { roomId, entryId }),
    ]);
    expect([codeOf(admit), codeOf(deny)].sort()).toEqual(['not_found', 'ok']);
    expect(await outcome).toBe(admit.ok ? 'admitted' : 'denied');
  });
});

import { describe, expect, it } from 'vitest';
import type { ParticipantRecord } from './call-state.js';
import { InMemoryCallState } from './in-memory-call-state.js';

function record(roomId: string, id: string): ParticipantRecord {
  return {
    roomId,
    room: { id: roomId, name: roomId, capacity: 4, topology: 'mesh' },
    resumeKey: `key-of-${id}-0123456789`,
    socketId: `socket-${id}`,
    joinedAtMs: 0,
    info: {
      id,
      principalId: `user-${id}`,
      displayName: id,
      avatarUrl: null,
      role: 'member',
      permissions: { canPublish: true, canSubscribe: true, canChat: true },
      joinedAt: new Date(0).toISOString(),
      connection: 'connected',
      tracks: [],
    },
  };
}

describe('InMemoryCallState', () => {
  it('lets exactly the free seats win when many joins race', async () => {
    const state = new InMemoryCallState();
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => state.join(record('r', `pa_racer${i}`), 3)),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
    expect(await state.list('r')).toHaveLength(3);
    expect(await state.counts()).toEqual({ rooms: 1, participants: 3 });
  });

  it('counts a participant in its grace period against the capacity', async () => {
    const state = new InMemoryCallState();
    await state.join(record('r', 'pa_first'), 1);
    await state.update('r', 'pa_first', { connection: 'reconnecting' });
    expect(await state.join(record('r', 'pa_second'), 1)).toEqual({ ok: false, reason: 'full' });
  });

  it('hands out copies: changing one never changes the state', async () => {
    const state = new InMemoryCallState();
    await state.join(record('r', 'pa_copy'), 4);
    const copy = (await state.get('r', 'pa_copy'))!;
    copy.info.tracks.push({ source: 'camera', kind: 'video', streamId: 's', muted: false });
    expect((await state.get('r', 'pa_copy'))!.info.tracks).toEqual([]);
  });

  it('forgets a room once its last participant is removed', async () => {
    const state = new InMemoryCallState();
    await state.join(record('r', 'pa_alone'), 4);
    expect((await state.remove('r', 'pa_alone'))?.info.id).toBe('pa_alone');
    expect(await state.remove('r', 'pa_alone')).toBeNull();
    expect(await state.counts()).toEqual({ rooms: 0, participants: 0 });
  });
});

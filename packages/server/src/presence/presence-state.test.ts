import { describe, expect, it } from 'vitest';
import { aggregate, announcementKey, toUserPresence } from './presence-state.js';
import { emptyRecord, type PresenceRecord } from './presence-store.js';

function record(patch: Partial<PresenceRecord>): PresenceRecord {
  return { ...emptyRecord('u1'), version: 1, ...patch };
}

const conn = (connectionId: string, away = false) => ({ connectionId, away });
const call = (participantId: string, roomId: string | null, joinedAt: number) => ({
  participantId,
  roomId,
  joinedAt,
});

describe('aggregating a user’s presence', () => {
  it('is offline without connections, whatever else is set', () => {
    expect(aggregate(record({ busy: true, calls: [call('p', 'r', 1)] })).state).toBe('offline');
  });

  it('one active tab beats an away one: online', () => {
    expect(aggregate(record({ connections: [conn('a', true), conn('b')] })).state).toBe('online');
  });

  it('only away tabs: away', () => {
    expect(aggregate(record({ connections: [conn('a', true), conn('b', true)] })).state).toBe(
      'away',
    );
  });

  it('busy overrides every connection', () => {
    expect(aggregate(record({ busy: true, connections: [conn('a')] }))).toEqual({
      state: 'busy',
      roomId: null,
      statusText: null,
    });
  });

  it('a call holds its connection: in_call with the latest call’s room, unless another tab is active', () => {
    const inCall = record({
      connections: [conn('a'), conn('b', true)],
      calls: [call('p1', 'old-room', 1), call('p2', 'new-room', 2)],
    });
    expect(aggregate(inCall)).toMatchObject({ state: 'in_call', roomId: 'new-room' });
    const oneCall = record({ connections: [conn('a'), conn('b')], calls: [call('p', 'r', 1)] });
    expect(aggregate(oneCall).state).toBe('online');
  });

  it('a private room’s call shows no room', () => {
    const r = record({ connections: [conn('a')], calls: [call('p', null, 1)] });
    expect(aggregate(r)).toMatchObject({ state: 'in_call', roomId: null });
  });

  it('the status text goes along with every state', () => {
    expect(aggregate(record({ statusText: 'Lunch' })).statusText).toBe('Lunch');
  });
});

describe('the presence followers see', () => {
  it('an offline user shows when the last connection went, from the record or else the stored time', () => {
    const offlineKey = announcementKey({ state: 'offline', roomId: null, statusText: null });
    const announced = record({ announced: offlineKey, changedAt: Date.UTC(2025, 0, 2) });
    expect(toUserPresence(announced, new Date(Date.UTC(2024, 0, 1))).lastSeenAt).toBe(
      '2025-01-02T00:00:00.000Z',
    );
    expect(toUserPresence(record({}), new Date(Date.UTC(2024, 0, 1))).lastSeenAt).toBe(
      '2024-01-01T00:00:00.000Z',
    );
    expect(toUserPresence(record({}), null)).toEqual({
      userId: 'u1',
      state: 'offline',
      roomId: null,
      statusText: null,
      lastSeenAt: null,
    });
  });

  it('a connected user shows the time of the last announced change, or now for one on its way', () => {
    const onlineKey = announcementKey({ state: 'online', roomId: null, statusText: null });
    const settled = record({ connections: [conn('a')], announced: onlineKey, changedAt: 1000 });
    expect(toUserPresence(settled, null).lastSeenAt).toBe(new Date(1000).toISOString());
    const fresh = record({ connections: [conn('a')] });
    expect(toUserPresence(fresh, null, 5000).lastSeenAt).toBe(new Date(5000).toISOString());
  });
});

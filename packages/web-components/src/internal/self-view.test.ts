import type { Room } from '@minimeet/sdk';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SELF_VIEW_WAIT_MS, SelfViewGate, selfViewGate } from './self-view.js';

/** A room whose others publish a camera (`true`), a muted one (`'muted'`) or none (`false`). */
function roomWith(cameras: Record<string, boolean | 'muted'>): Room {
  const participants = Object.entries(cameras).map(([id, camera]) => ({
    id,
    getTrackPublication: (source: string) =>
      source === 'camera' && camera !== false ? { isMuted: camera === 'muted' } : undefined,
  }));
  return { remoteParticipants: new Map(participants.map((p) => [p.id, p])) } as unknown as Room;
}

describe('SelfViewGate', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('opens once every camera the others sent at the join has shown a frame', () => {
    const gate = new SelfViewGate(roomWith({ ada: true, bob: true, eve: false, joe: 'muted' }));
    const opened = vi.fn();
    gate.whenOpen(opened);
    expect(gate.isOpen).toBe(false);
    gate.shown('ada');
    gate.shown('eve');
    expect(gate.isOpen).toBe(false);
    expect(opened).not.toHaveBeenCalled();
    gate.shown('bob');
    expect(gate.isOpen).toBe(true);
    expect(opened).toHaveBeenCalledTimes(1);
  });

  it('is open at once when nobody else sends video', () => {
    const gate = new SelfViewGate(roomWith({ eve: false, joe: 'muted' }));
    const opened = vi.fn();
    gate.whenOpen(opened);
    expect(gate.isOpen).toBe(true);
    expect(opened).toHaveBeenCalledTimes(1);
    expect(new SelfViewGate(roomWith({})).isOpen).toBe(true);
  });

  it(`opens after ${SELF_VIEW_WAIT_MS} ms when a camera never shows`, () => {
    const gate = new SelfViewGate(roomWith({ ada: true }));
    const opened = vi.fn();
    const cancelled = vi.fn();
    gate.whenOpen(opened);
    gate.whenOpen(cancelled)();
    vi.advanceTimersByTime(SELF_VIEW_WAIT_MS - 1);
    expect(gate.isOpen).toBe(false);
    vi.advanceTimersByTime(1);
    expect(gate.isOpen).toBe(true);
    expect(opened).toHaveBeenCalledTimes(1);
    expect(cancelled).not.toHaveBeenCalled();
    // Once open it stays open, whoever shows up later.
    gate.shown('ada');
    expect(gate.isOpen).toBe(true);
  });

  it('is one gate per call', () => {
    const room = roomWith({ ada: true });
    expect(selfViewGate(room)).toBe(selfViewGate(room));
    expect(selfViewGate(roomWith({ ada: true }))).not.toBe(selfViewGate(room));
  });
});

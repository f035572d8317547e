import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GracePeriods, type RelayedSignal } from './grace-periods.js';

const sdpOf = (signal: RelayedSignal | undefined): string =>
  signal?.event === 'webrtc_offer' ? signal.payload.description.sdp : '';

const offer = (sdp: string): RelayedSignal => ({
  event: 'webrtc_offer',
  payload: { roomId: 'r', from: 'pa_sender000000', description: { type: 'offer', sdp } },
});

describe('GracePeriods', () => {
  let graces: GracePeriods;
  beforeEach(() => {
    vi.useFakeTimers();
    graces = new GracePeriods();
  });
  afterEach(() => {
    graces.clear();
    vi.useRealTimers();
  });

  it('runs the expiry once the period ends unresumed, and drops the queue', () => {
    const expired = vi.fn();
    graces.start('r', 'p', 1000, expired);
    graces.enqueue('r', 'p', offer('a'));
    vi.advanceTimersByTime(999);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledTimes(1);
    expect(graces.end('r', 'p')).toEqual([]);
  });

  it('a resume ends the period without expiry and hands over the queue in order', () => {
    const expired = vi.fn();
    graces.start('r', 'p', 1000, expired);
    graces.enqueue('r', 'p', offer('1'));
    graces.hold('r', 'p');
    graces.enqueue('r', 'p', offer('2'));
    vi.advanceTimersByTime(5000);
    expect(expired).not.toHaveBeenCalled();
    expect(graces.end('r', 'p').map(sdpOf)).toEqual(['1', '2']);
  });

  it('keeps at most 256 signals and about 1 MiB, the newest', () => {
    graces.start('r', 'p', 1000, () => {});
    for (let i = 0; i < 300; i++) graces.enqueue('r', 'p', offer(String(i)));
    const small = graces.end('r', 'p');
    expect(small).toHaveLength(256);
    expect(sdpOf(small[0])).toBe('44');

    graces.start('r', 'p', 1000, () => {});
    for (let i = 0; i < 40; i++) graces.enqueue('r', 'p', offer(`${i}`.padEnd(60_000, 'x')));
    const big = graces.end('r', 'p');
    expect(big.length).toBeLessThanOrEqual(Math.ceil((1024 * 1024) / 60_000));
    expect(sdpOf(big.at(-1)).startsWith('39')).toBe(true);
  });

  it('queues nothing for a participant that is not in a grace period', () => {
    graces.enqueue('r', 'p', offer('lost'));
    expect(graces.end('r', 'p')).toEqual([]);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaMove, type MediaMoveTimings } from './MediaMove.js';

// A received track as the move sees it: muted until its first packets, then `unmute`.
class FakeTrack extends EventTarget {
  muted = true;
  readyState: MediaStreamTrackState = 'live';

  flow(): void {
    this.muted = false;
    this.dispatchEvent(new Event('unmute'));
  }
}

const track = (muted = true): MediaStreamTrack => {
  const t = new FakeTrack();
  t.muted = muted;
  return t as unknown as MediaStreamTrack;
};

const TIMINGS: MediaMoveTimings = {
  firstMediaTimeoutMs: 3_000,
  moveTimeoutMs: 8_000,
  closeDelayMs: 1_500,
};

describe('MediaMove', () => {
  let finished: number;
  let old: Map<string, number>;
  const start = () =>
    new MediaMove({ oldTracks: () => old, finish: () => (finished += 1) }, TIMINGS);

  beforeEach(() => {
    vi.useFakeTimers();
    finished = 0;
    old = new Map([
      ['ann', 2],
      ['ben', 2],
    ]);
  });
  afterEach(() => vi.useRealTimers());

  it('finishes a moment after every participant has as many tracks carrying media as before', () => {
    const move = start();
    const tracks = [track(), track(), track(), track()];
    move.arrived('ann', tracks[0]);
    move.arrived('ann', tracks[1]);
    move.arrived('ben', tracks[2]);
    move.arrived('ben', tracks[3]);
    for (const t of tracks.slice(0, 3)) (t as unknown as FakeTrack).flow();
    vi.advanceTimersByTime(2_000);
    expect(finished).toBe(0);
    (tracks[3] as unknown as FakeTrack).flow();
    vi.advanceTimersByTime(1_499);
    expect(finished).toBe(0);
    vi.advanceTimersByTime(1);
    expect(finished).toBe(1);
    vi.advanceTimersByTime(10_000);
    expect(finished).toBe(1);
  });

  it('counts a track already carrying media at once, and one that never does after a while', () => {
    old = new Map([['ann', 2]]);
    const move = start();
    move.arrived('ann', track(false));
    move.arrived('ann', track());
    vi.advanceTimersByTime(2_999);
    expect(finished).toBe(0);
    vi.advanceTimersByTime(1 + 1_500);
    expect(finished).toBe(1);
  });

  it('gives up waiting when the move takes too long', () => {
    const move = start();
    move.arrived('ann', track(false));
    vi.advanceTimersByTime(7_999);
    expect(finished).toBe(0);
    vi.advanceTimersByTime(1);
    expect(finished).toBe(1);
  });

  it('a participant who left is not waited for', () => {
    const move = start();
    move.arrived('ann', track(false));
    move.arrived('ann', track(false));
    old.delete('ben');
    move.check();
    vi.advanceTimersByTime(1_500);
    expect(finished).toBe(1);
  });

  it('never finishes once cancelled', () => {
    const move = start();
    move.cancel();
    move.arrived('ann', track(false));
    vi.advanceTimersByTime(20_000);
    expect(finished).toBe(0);
  });
});

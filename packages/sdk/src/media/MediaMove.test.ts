import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaMove, type MediaMoveTimings } from './MediaMove.js';

// A track of the new topology as the move sees it: media flows when the test says so.
function media(): { flowing: Promise<boolean>; stop: () => void; flow: () => void } {
  let resolve: (flowing: boolean) => void = () => undefined;
  const flowing = new Promise<boolean>((r) => (resolve = r));
  return { flowing, stop: () => resolve(false), flow: () => resolve(true) };
}

const TIMINGS: MediaMoveTimings = {
  moveTimeoutMs: 8_000,
  closeDelayMs: 500,
};

describe('MediaMove', () => {
  let finished: number;
  let peers: Set<string>;
  let old: Map<string, number>;
  let oldPeers: string[];
  let acks: Set<string>;
  let told: string[];
  const start = () => {
    const move = new MediaMove(
      {
        peers: () => peers,
        oldTracks: () => new Map([...old].filter(([id]) => peers.has(id))),
        oldPeers: () => oldPeers,
        acked: (id) => acks.has(id),
        tell: (id) => told.push(id),
        finish: () => (finished += 1),
      },
      TIMINGS,
    );
    move.check();
    return move;
  };
  const ack = (move: MediaMove, id: string) => {
    acks.add(id);
    move.check();
  };

  beforeEach(() => {
    vi.useFakeTimers();
    finished = 0;
    peers = new Set(['ann', 'ben', 'cid']);
    // Cid sends nothing (camera and microphone off).
    old = new Map([
      ['ann', 2],
      ['ben', 1],
    ]);
    oldPeers = ['ann', 'ben', 'cid'];
    acks = new Set();
    told = [];
  });
  afterEach(() => vi.useRealTimers());

  it('tells each participant once all of its tracks play the new way, and one that sends nothing at once', async () => {
    const move = start();
    expect(told).toEqual(['cid']);
    const [a1, a2, b1] = [media(), media(), media()];
    move.arrived('ann', a1);
    move.arrived('ann', a2);
    move.arrived('ben', b1);
    a1.flow();
    b1.flow();
    await vi.advanceTimersByTimeAsync(0);
    expect(told).toEqual(['cid', 'ben']);
    a2.flow();
    await vi.advanceTimersByTimeAsync(0);
    expect(told).toEqual(['cid', 'ben', 'ann']);
    move.check();
    expect(told).toHaveLength(3);
  });

  it('finishes a moment after everything moved here and every old peer said it moved this side', async () => {
    const move = start();
    const tracks = [media(), media(), media()];
    move.arrived('ann', tracks[0]);
    move.arrived('ann', tracks[1]);
    move.arrived('ben', tracks[2]);
    for (const t of tracks) t.flow();
    ack(move, 'ann');
    ack(move, 'ben');
    await vi.advanceTimersByTimeAsync(2_000);
    // Cid has not said it yet: it may still play this side over the old topology.
    expect(finished).toBe(0);
    ack(move, 'cid');
    await vi.advanceTimersByTimeAsync(499);
    expect(finished).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(finished).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(finished).toBe(1);
  });

  it('does not wait for the word of someone the old topology never reached, or who left', async () => {
    oldPeers = ['ann', 'ben'];
    const move = start();
    const tracks = [media(), media(), media()];
    move.arrived('ann', tracks[0]);
    move.arrived('ann', tracks[1]);
    move.arrived('ben', tracks[2]);
    for (const t of tracks) t.flow();
    ack(move, 'ann');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(finished).toBe(0);
    peers.delete('ben');
    move.check();
    await vi.advanceTimersByTimeAsync(500);
    expect(finished).toBe(1);
  });

  it('counts a track whose media never came once waiting for it gave up', async () => {
    old = new Map([['ann', 1]]);
    oldPeers = [];
    const move = start();
    const never = media();
    move.arrived('ann', never);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(finished).toBe(0);
    never.stop();
    await vi.advanceTimersByTimeAsync(500);
    expect(finished).toBe(1);
  });

  it('gives up waiting when the move takes too long', async () => {
    start();
    await vi.advanceTimersByTimeAsync(7_999);
    expect(finished).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(finished).toBe(1);
  });

  it('never finishes once cancelled, and stops its waits', async () => {
    const move = start();
    const waiting = media();
    move.arrived('ann', waiting);
    move.cancel();
    expect(await waiting.flowing).toBe(false);
    acks = new Set(['ann', 'ben', 'cid']);
    move.check();
    await vi.advanceTimersByTimeAsync(20_000);
    expect(finished).toBe(0);
  });
});

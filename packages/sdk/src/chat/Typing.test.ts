import type { ChatSender } from '@minimeet/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TypingThrottle, TypingTracker } from './Typing.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('TypingThrottle', () => {
  function throttle() {
    const sent: boolean[] = [];
    const t = new TypingThrottle((typing) => sent.push(typing), {
      refreshMs: 2_000,
      idleMs: 4_000,
    });
    return { t, sent };
  }

  it('sends one "typing" for a burst of keystrokes, then "stopped" after 4 s without one', () => {
    const { t, sent } = throttle();
    for (let i = 0; i < 10; i++) {
      t.set(true);
      vi.advanceTimersByTime(100);
    }
    expect(sent).toEqual([true]);
    vi.advanceTimersByTime(3_899);
    expect(sent).toEqual([true]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([true, false]);
    expect(t.isTyping).toBe(false);
  });

  it('repeats "typing" at most every 2 s while the keystrokes go on', () => {
    const { t, sent } = throttle();
    for (let i = 0; i < 50; i++) {
      t.set(true);
      vi.advanceTimersByTime(100);
    }
    // 5 s of typing: at 0 s, 2 s and 4 s.
    expect(sent).toEqual([true, true, true]);
  });

  it('sends "stopped" at once on set(false), and only after a "typing"', () => {
    const { t, sent } = throttle();
    t.set(false);
    expect(sent).toEqual([]);
    t.set(true);
    t.set(false);
    expect(sent).toEqual([true, false]);
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([true, false]);
  });

  it('forgets the state without sending anything on reset()', () => {
    const { t, sent } = throttle();
    t.set(true);
    t.reset();
    vi.advanceTimersByTime(10_000);
    expect(sent).toEqual([true]);
    t.set(true);
    expect(sent).toEqual([true, true]);
  });
});

describe('TypingTracker', () => {
  const ada: ChatSender = { id: 'u1', displayName: 'Ada', avatarUrl: null };
  const bob: ChatSender = { id: 'u2', displayName: 'Bob', avatarUrl: null };

  it('lists who types, in the order they started, until they stop', () => {
    const onChange = vi.fn();
    const tracker = new TypingTracker(6_000, onChange);
    expect(tracker.handle(ada, true)).toBe(true);
    expect(tracker.handle(bob, true)).toBe(true);
    expect(tracker.handle(ada, true)).toBe(false);
    expect(tracker.typing).toEqual([ada, bob]);
    expect(tracker.handle(ada, false)).toBe(true);
    expect(tracker.handle(ada, false)).toBe(false);
    expect(tracker.typing).toEqual([bob]);
    expect(onChange).not.toHaveBeenCalled();
  });

  it('drops someone whose "stopped" never comes after the expiry, and says so', () => {
    const onChange = vi.fn();
    const tracker = new TypingTracker(6_000, onChange);
    tracker.handle(ada, true);
    vi.advanceTimersByTime(5_000);
    tracker.handle(ada, true);
    vi.advanceTimersByTime(5_999);
    expect(tracker.typing).toEqual([ada]);
    vi.advanceTimersByTime(1);
    expect(tracker.typing).toEqual([]);
    expect(onChange).toHaveBeenCalledTimes(1);
  });

  it('forgets everyone on clear()', () => {
    const onChange = vi.fn();
    const tracker = new TypingTracker(6_000, onChange);
    expect(tracker.clear()).toBe(false);
    tracker.handle(ada, true);
    expect(tracker.clear()).toBe(true);
    vi.advanceTimersByTime(10_000);
    expect(onChange).not.toHaveBeenCalled();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AwayDetector, pageActivitySource, type ActivitySource } from './AwayDetector.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

/** A page whose visibility and input the test controls. */
function fakePage() {
  const target = new EventTarget();
  let hidden = false;
  const source: ActivitySource = {
    isHidden: () => hidden,
    onVisibilityChange: (listener) => {
      target.addEventListener('visibilitychange', listener);
      return () => target.removeEventListener('visibilitychange', listener);
    },
    onInput: (listener) => {
      target.addEventListener('input', listener);
      return () => target.removeEventListener('input', listener);
    },
  };
  return {
    source,
    setHidden(value: boolean) {
      hidden = value;
      target.dispatchEvent(new Event('visibilitychange'));
    },
    input: () => target.dispatchEvent(new Event('input')),
  };
}

describe('AwayDetector', () => {
  it('is away while the page is hidden and back when it is shown', () => {
    const page = fakePage();
    const changes: boolean[] = [];
    const detector = new AwayDetector(page.source, 60_000, (away) => changes.push(away));
    detector.start();
    expect(detector.away).toBe(false);
    page.setHidden(true);
    expect(detector.away).toBe(true);
    page.setHidden(false);
    expect(changes).toEqual([true, false]);
  });

  it('is away after idleAfterMs without input, and back at the next input', () => {
    const page = fakePage();
    const changes: boolean[] = [];
    const detector = new AwayDetector(page.source, 60_000, (away) => changes.push(away));
    detector.start();
    vi.advanceTimersByTime(30_000);
    page.input();
    vi.advanceTimersByTime(59_999);
    expect(changes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(changes).toEqual([true]);
    page.input();
    page.input();
    expect(changes).toEqual([true, false]);
    vi.advanceTimersByTime(60_000);
    expect(changes).toEqual([true, false, true]);
  });

  it('reports a change only when being away flips (hidden while idle is still away)', () => {
    const page = fakePage();
    const changes: boolean[] = [];
    const detector = new AwayDetector(page.source, 1_000, (away) => changes.push(away));
    detector.start();
    vi.advanceTimersByTime(1_000);
    page.setHidden(true);
    page.setHidden(false);
    expect(changes).toEqual([true]);
  });

  it('never idles with idleAfterMs Infinity', () => {
    const page = fakePage();
    const changes: boolean[] = [];
    const detector = new AwayDetector(page.source, Infinity, (away) => changes.push(away));
    detector.start();
    vi.advanceTimersByTime(24 * 3_600_000);
    expect(changes).toEqual([]);
    page.setHidden(true);
    expect(changes).toEqual([true]);
  });

  it('starts away when the page is already hidden, and stops listening on stop()', () => {
    const page = fakePage();
    page.setHidden(true);
    const changes: boolean[] = [];
    const detector = new AwayDetector(page.source, 1_000, (away) => changes.push(away));
    detector.start();
    expect(detector.away).toBe(true);
    detector.stop();
    expect(detector.away).toBe(false);
    page.setHidden(false);
    page.setHidden(true);
    vi.advanceTimersByTime(10_000);
    expect(changes).toEqual([]);
  });
});

describe('pageActivitySource()', () => {
  it('is undefined outside a browser page, so Node sees no auto-away', () => {
    expect(typeof document).toBe('undefined');
    expect(pageActivitySource()).toBeUndefined();
  });
});

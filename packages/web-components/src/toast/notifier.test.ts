import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Notifier } from './notifier.js';

describe('Notifier', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('shows a toast, announces it once, and removes it after its duration', () => {
    const notifier = new Notifier();
    const changes = vi.fn();
    notifier.subscribe(changes);
    notifier.notify('Ada joined', { durationMs: 1000 });
    expect(notifier.toasts.map((t) => t.message)).toEqual(['Ada joined']);
    expect(notifier.announcement).toBe('Ada joined');
    vi.advanceTimersByTime(1000);
    expect(notifier.toasts).toEqual([]);
    expect(changes).toHaveBeenCalled();
  });

  it('does not repeat an identical announcement made moments ago', () => {
    const notifier = new Notifier();
    const changes = vi.fn();
    notifier.announce('Microphone off');
    notifier.subscribe(changes);
    notifier.announce('Microphone off');
    expect(changes).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(notifier.announcement).toBe('');
    notifier.announce('Microphone off');
    expect(notifier.announcement).toBe('Microphone off');
  });

  it('keeps at most four toasts, dropping the oldest', () => {
    const notifier = new Notifier();
    for (let i = 1; i <= 6; i++) notifier.notify(`t${i}`, { announce: false });
    expect(notifier.toasts.map((t) => t.message)).toEqual(['t3', 't4', 't5', 't6']);
  });

  it('renews the toast of the same news instead of showing it twice', () => {
    const notifier = new Notifier();
    const first = notifier.notify('New message from Bob', { durationMs: 5000 });
    notifier.notify('Ada joined', { durationMs: 5000 });
    vi.advanceTimersByTime(4000);
    const again = notifier.notify('New message from Bob', { durationMs: 5000 });
    expect(again).toBe(first);
    expect(notifier.toasts.map((t) => t.message)).toEqual(['Ada joined', 'New message from Bob']);
    // The renewed toast lives its full duration again; the other leaves on time.
    vi.advanceTimersByTime(1000);
    expect(notifier.toasts.map((t) => t.message)).toEqual(['New message from Bob']);
    vi.advanceTimersByTime(3999);
    expect(notifier.toasts).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(notifier.toasts).toEqual([]);
    // A different variant is other news.
    notifier.notify('Bob', { variant: 'info' });
    notifier.notify('Bob', { variant: 'danger' });
    expect(notifier.toasts).toHaveLength(2);
  });

  it('keeps a toast’s action, and the same news again keeps its id and takes the newer action', () => {
    const notifier = new Notifier();
    const first = vi.fn();
    const second = vi.fn();
    const id = notifier.notify('Ada is waiting in the lobby', {
      action: { label: 'Admit', run: first },
    });
    const again = notifier.notify('Ada is waiting in the lobby', {
      action: { label: 'Admit', run: second },
    });
    expect(again).toBe(id);
    expect(notifier.toasts).toHaveLength(1);
    notifier.toasts[0].action?.run();
    expect(second).toHaveBeenCalledOnce();
    expect(first).not.toHaveBeenCalled();
    notifier.dismiss(id);
    expect(notifier.toasts).toEqual([]);
  });
});

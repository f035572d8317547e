import { afterEach, describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from './TypedEmitter.js';

interface TestEvents {
  joined: (name: string, count: number) => void;
  left: () => void;
}

class TestEmitter extends TypedEmitter<TestEvents> {
  fire<E extends keyof TestEvents>(event: E, ...args: Parameters<TestEvents[E]>): boolean {
    return this.emit(event, ...args);
  }
}

describe('TypedEmitter', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('calls listeners with the emitted arguments, in registration order', () => {
    const emitter = new TestEmitter();
    const calls: string[] = [];
    emitter.on('joined', (name, count) => calls.push(`a:${name}:${count}`));
    emitter.on('joined', (name, count) => calls.push(`b:${name}:${count}`));

    expect(emitter.fire('joined', 'ada', 2)).toBe(true);
    expect(calls).toEqual(['a:ada:2', 'b:ada:2']);
  });

  it('calls a once() listener a single time', () => {
    const emitter = new TestEmitter();
    const listener = vi.fn();
    emitter.once('left', listener);

    emitter.fire('left');
    emitter.fire('left');

    expect(listener).toHaveBeenCalledTimes(1);
    expect(emitter.listenerCount('left')).toBe(0);
  });

  it('off() removes only the given listener', () => {
    const emitter = new TestEmitter();
    const kept = vi.fn();
    const removed = vi.fn();
    emitter.on('left', kept).on('left', removed).off('left', removed);

    emitter.fire('left');

    expect(kept).toHaveBeenCalledOnce();
    expect(removed).not.toHaveBeenCalled();
  });

  it('a listener that removes itself does not make the next one skip', () => {
    const emitter = new TestEmitter();
    const second = vi.fn();
    const first = () => emitter.off('left', first);
    emitter.on('left', first).on('left', second);

    emitter.fire('left');

    expect(second).toHaveBeenCalledOnce();
  });

  it('emit() returns false when nobody listens, also after removeAllListeners()', () => {
    const emitter = new TestEmitter();
    expect(emitter.fire('left')).toBe(false);
    emitter.on('left', vi.fn()).removeAllListeners();
    expect(emitter.fire('left')).toBe(false);
  });

  it('a listener that throws does not stop the others, and its error is rethrown later', () => {
    const deferred: (() => void)[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => deferred.push(task));
    const emitter = new TestEmitter();
    const after = vi.fn();
    emitter.on('left', () => {
      throw new Error('listener bug');
    });
    emitter.on('left', after);

    emitter.fire('left');

    expect(after).toHaveBeenCalledOnce();
    expect(deferred).toHaveLength(1);
    expect(deferred[0]).toThrow('listener bug');
  });

  it('on() throws TypeError when the listener is not a function', () => {
    const emitter = new TestEmitter();
    expect(() => emitter.on('left', 'nope' as unknown as () => void)).toThrow(TypeError);
  });

  it('rejects unknown event names and wrong listener signatures at compile time', () => {
    const emitter = new TestEmitter();
    // @ts-expect-error -- not an event of this emitter
    emitter.on('unknown', () => undefined);
    // @ts-expect-error -- `joined` passes a string first, not a number
    emitter.on('joined', (name: number) => name);
    // @ts-expect-error -- `joined` needs its arguments
    emitter.fire('joined');
    emitter.removeAllListeners();
  });
});

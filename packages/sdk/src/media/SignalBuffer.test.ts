import { describe, expect, it } from 'vitest';
import { SignalBuffer } from './SignalBuffer.js';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('SignalBuffer', () => {
  it('applies one peer’s signals in order, even when an earlier one is slow or fails', async () => {
    const buffer = new SignalBuffer();
    const seen: string[] = [];
    let release!: () => void;
    buffer.run('a', () =>
      new Promise<void>((resolve) => (release = resolve)).then(() => void seen.push('offer')),
    );
    buffer.run('a', () => Promise.reject(new Error('bad candidate')));
    buffer.run('a', () => Promise.resolve(void seen.push('candidate')));
    await settle();
    expect(seen).toEqual([]);
    release();
    await settle();
    expect(seen).toEqual(['offer', 'candidate']);
  });

  it('holds signals of an unknown peer until it is released, and drops them when forgotten', async () => {
    const buffer = new SignalBuffer();
    const seen: string[] = [];
    buffer.hold('b', () => Promise.resolve(void seen.push('b1')));
    buffer.hold('c', () => Promise.resolve(void seen.push('c1')));
    buffer.forget('c');
    await settle();
    expect(seen).toEqual([]);
    buffer.release('b');
    buffer.release('c');
    await settle();
    expect(seen).toEqual(['b1']);
  });

  it('bounds what it holds per peer', async () => {
    const buffer = new SignalBuffer();
    let count = 0;
    for (let i = 0; i < 500; i += 1) buffer.hold('d', () => Promise.resolve(void (count += 1)));
    buffer.release('d');
    await settle();
    expect(count).toBe(128);
  });
});

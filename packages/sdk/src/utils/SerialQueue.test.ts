import { describe, expect, it } from 'vitest';
import { SerialQueue } from './SerialQueue.js';

describe('SerialQueue', () => {
  it('runs each task after the one before it has settled, in the order asked', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    let release!: () => void;
    const first = queue.run(async () => {
      log.push('first starts');
      await new Promise<void>((resolve) => (release = resolve));
      log.push('first ends');
      return 1;
    });
    const second = queue.run(() => {
      log.push('second');
      return 2;
    });
    await Promise.resolve();
    expect(log).toEqual(['first starts']);
    release();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(log).toEqual(['first starts', 'first ends', 'second']);
  });

  it('hands a failure to its caller and still runs what comes next', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(() => Promise.reject(new Error('device gone')));
    const next = queue.run(() => 'ran');
    await expect(failed).rejects.toThrow('device gone');
    await expect(next).resolves.toBe('ran');
  });

  it('turns a task that throws synchronously into a rejection of its own', async () => {
    const queue = new SerialQueue();
    const failed = queue.run(() => {
      throw new TypeError('bad argument');
    });
    await expect(failed).rejects.toThrow(TypeError);
    await expect(queue.run(() => 'after')).resolves.toBe('after');
  });
});

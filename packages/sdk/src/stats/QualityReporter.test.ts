import type { QualitySample } from '@minimeet/protocol';
import { describe, expect, it } from 'vitest';
import { MinimeetError, SdkErrorCode } from '../errors.js';
import { QualityReporter } from './QualityReporter.js';

const sample = (at: number): QualitySample => ({ at, intervalMs: 5000, level: 'good', legs: [] });

function rig(samplesPerReport = 3, maxBuffered = 10) {
  const sent: number[][] = [];
  const state = { connected: true, fail: undefined as MinimeetError | undefined };
  const reporter = new QualityReporter(
    {
      canSend: () => state.connected,
      send: (samples) => {
        if (state.fail) return Promise.reject(state.fail);
        sent.push(samples.map((s) => s.at));
        return Promise.resolve();
      },
    },
    { samplesPerReport, maxBuffered },
  );
  return { reporter, sent, state };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('QualityReporter', () => {
  it('sends one batch per few samples, not one message per sample', async () => {
    const { reporter, sent } = rig();
    for (let i = 1; i <= 7; i++) {
      reporter.handleSample(sample(i));
      await settle();
    }
    expect(sent).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(reporter.pending).toBe(1);
  });

  it('holds samples while disconnected, drops the oldest past the bound, and sends them once back', async () => {
    const { reporter, sent, state } = rig(3, 10);
    state.connected = false;
    for (let i = 1; i <= 14; i++) reporter.handleSample(sample(i));
    await settle();
    expect(sent).toEqual([]);
    expect(reporter.pending).toBe(10);
    expect(reporter.dropped).toBe(4);
    state.connected = true;
    reporter.handleResumed();
    await settle();
    // At most six samples to a report, as the contract allows.
    expect(sent).toEqual([
      [5, 6, 7, 8, 9, 10],
      [11, 12, 13, 14],
    ]);
  });

  it('keeps a batch that did not arrive for the next try, in order', async () => {
    const { reporter, sent, state } = rig();
    state.fail = new MinimeetError(SdkErrorCode.Disconnected, 'gone');
    for (let i = 1; i <= 3; i++) reporter.handleSample(sample(i));
    await settle();
    expect(reporter.pending).toBe(3);
    state.fail = undefined;
    reporter.handleSample(sample(4));
    await settle();
    expect(sent).toEqual([[1, 2, 3, 4]]);
  });

  it('drops a batch the server refused instead of sending it again', async () => {
    const { reporter, sent, state } = rig();
    state.fail = new MinimeetError('validation_failed', 'bad');
    for (let i = 1; i <= 3; i++) reporter.handleSample(sample(i));
    await settle();
    expect(reporter.pending).toBe(0);
    expect(reporter.dropped).toBe(3);
    state.fail = undefined;
    for (let i = 4; i <= 6; i++) reporter.handleSample(sample(i));
    await settle();
    expect(sent).toEqual([[4, 5, 6]]);
  });

  it('sends what is left, however few, when the call ends', async () => {
    const { reporter, sent } = rig();
    reporter.handleSample(sample(1));
    await reporter.flush(true);
    expect(sent).toEqual([[1]]);
  });
});

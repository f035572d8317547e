import { describe, expect, it } from 'vitest';
import {
  DEFAULT_AUTH_CLIENT_OPTIONS,
  DEFAULT_CLIENT_OPTIONS,
  DEFAULT_RECONNECT_OPTIONS,
  resolveAuthClientOptions,
  resolveClientOptions,
} from './defaults.js';

describe('resolveClientOptions()', () => {
  it('fills every option that is left out or undefined with its default', () => {
    expect(resolveClientOptions()).toEqual({
      ...DEFAULT_CLIENT_OPTIONS,
      reconnect: DEFAULT_RECONNECT_OPTIONS,
    });
    expect(
      resolveClientOptions({ connectTimeoutMs: undefined, reconnect: { maxDelayMs: undefined } }),
    ).toEqual({ ...DEFAULT_CLIENT_OPTIONS, reconnect: DEFAULT_RECONNECT_OPTIONS });
  });

  it('merges nested reconnect options over the defaults', () => {
    const resolved = resolveClientOptions({
      reconnect: { maxAttempts: 3 },
      transports: ['polling'],
    });
    expect(resolved.reconnect).toEqual({ ...DEFAULT_RECONNECT_OPTIONS, maxAttempts: 3 });
    expect(resolved.transports).toEqual(['polling']);
  });

  it('throws TypeError naming the option when a value is out of range', () => {
    expect(() => resolveClientOptions({ connectTimeoutMs: 0 })).toThrow(/connectTimeoutMs/);
    expect(() => resolveClientOptions({ reconnect: { jitter: 2 } })).toThrow(/reconnect\.jitter/);
    expect(() => resolveClientOptions({ reconnect: { multiplier: 0.5 } })).toThrow(TypeError);
    expect(() => resolveClientOptions({ transports: [] })).toThrow(/transports/);
    expect(() => resolveClientOptions({ path: 'socket.io' })).toThrow(/path/);
    expect(() => resolveClientOptions({ reconnect: { inCallMaxDelayMs: 0 } })).toThrow(
      /reconnect\.inCallMaxDelayMs/,
    );
    expect(() => resolveClientOptions({ reconnect: { probeTimeoutMs: -1 } })).toThrow(
      /reconnect\.probeTimeoutMs/,
    );
    expect(() =>
      resolveClientOptions({ reconnect: { retryOnNetworkChange: 'yes' as never } }),
    ).toThrow(/reconnect\.retryOnNetworkChange/);
  });

  it('keeps the delay between attempts in a call at 2 s at most, well under a 15 s grace period', () => {
    const { reconnect } = resolveClientOptions();
    expect(reconnect.inCallMaxDelayMs).toBe(2_000);
    expect(reconnect.maxDelayMs).toBe(10_000);
    expect(reconnect.retryOnNetworkChange).toBe(true);
  });
});

describe('resolveAuthClientOptions()', () => {
  it('uses the global fetch and no storage by default', () => {
    const resolved = resolveAuthClientOptions();
    expect(resolved).toMatchObject(DEFAULT_AUTH_CLIENT_OPTIONS);
    expect(resolved.storage).toBeUndefined();
    expect(typeof resolved.fetch).toBe('function');
  });

  it('throws TypeError for a storage without get, set and remove', () => {
    expect(() => resolveAuthClientOptions({ storage: { get: () => null } as never })).toThrow(
      /storage/,
    );
  });
});

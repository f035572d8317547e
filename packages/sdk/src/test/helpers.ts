// Helpers for the SDK's tests; nothing here ships (index.ts does not reach it).
import type { EventMap, TypedEmitter } from '../utils/TypedEmitter.js';

/** Environment of a real server for the SDK's integration tests: quiet, in memory, cheap hashing. */
export { TEST_SERVER_ENV } from '@minimeet/server/testing';

/**
 * Resolves with the arguments of the next `event`, or rejects after `timeoutMs`; every wait in the
 * tests goes through this, so none can hang.
 */
export function nextEvent<Events extends EventMap<Events>, E extends keyof Events>(
  target: TypedEmitter<Events>,
  event: E,
  timeoutMs = 5_000,
): Promise<Parameters<Events[E]>> {
  return new Promise((resolve, reject) => {
    const listener = ((...args: Parameters<Events[E]>) => {
      clearTimeout(timer);
      resolve(args);
    }) as Events[E];
    const timer = setTimeout(() => {
      target.off(event, listener);
      reject(new Error(`No ${String(event)} event within ${timeoutMs} ms.`));
    }, timeoutMs);
    target.once(event, listener);
  });
}

/** Records the first argument of every `event` in order, for asserting sequences. */
export function record<Events extends EventMap<Events>, E extends keyof Events>(
  target: TypedEmitter<Events>,
  event: E,
): Parameters<Events[E]>[0][] {
  const seen: Parameters<Events[E]>[0][] = [];
  target.on(event, ((...args: Parameters<Events[E]>) => {
    seen.push(args[0]);
  }) as Events[E]);
  return seen;
}

/** Resolves once the clock has passed `instant` (epoch milliseconds). */
export function clockPasses(instant: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, instant - Date.now()) + 1));
}

let counter = 0;

/** A unique email address for a test account. */
export function uniqueEmail(): string {
  counter += 1;
  return `sdk-${process.pid}-${Date.now()}-${counter}@example.test`;
}

/** A password the server accepts. */
export const PASSWORD = 'correct horse battery staple';

/** The parameters of an exponential backoff with jitter. */
export interface BackoffPolicy {
  /** Delay before the first retry, before jitter. */
  initialDelayMs: number;
  /** Ceiling of any delay. */
  maxDelayMs: number;
  /** Growth factor between consecutive retries. */
  multiplier: number;
  /** Fraction of the delay, 0 to 1, that is randomised away so that clients do not retry in step. */
  jitter: number;
}

/**
 * The delay before retry number `attempt` (0 for the first): `initial × multiplier^attempt`,
 * capped at the maximum, then shortened by a random share of up to `jitter` of itself.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponential = policy.initialDelayMs * policy.multiplier ** Math.max(0, attempt);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped * (1 - policy.jitter * random()));
}

import type { BatonError } from '../errors';
import type { RetryPolicy } from '../settings/types';

/**
 * How long to wait before retrying the same model, or undefined when waiting is pointless: the
 * provider asked for a pause longer than `maxRetryAfterMs`, so the next model should be tried now
 * (and the model cools down for that long; see HealthTracker).
 *
 * A Retry-After is honoured to the millisecond, but never below `baseDelayMs`: a value of 0 or a
 * date already past would otherwise send the retry straight into the same limit.
 *
 * Without a Retry-After: exponential from `baseDelayMs`, capped at `maxDelayMs`, with "equal
 * jitter" (half fixed, half random) so that many clients never retry in lockstep.
 *
 * @param failures how many attempts on this model have failed so far (1 after the first).
 */
export function retryDelay(policy: RetryPolicy, failures: number, error: BatonError, random: () => number): number | undefined {
  if (error.retryAfterMs !== undefined) {
    return error.retryAfterMs > policy.maxRetryAfterMs ? undefined : Math.max(error.retryAfterMs, policy.baseDelayMs);
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failures - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

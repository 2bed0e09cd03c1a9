import type { BackoffStrategy } from 'bullmq';

/**
 * Retry delays in multiples of the base delay, after Svix's schedule (5 s, 5 min, 30 min, 2 h,
 * 5 h, 10 h with a 5 s base); past the end the last step repeats. With the default base and 10
 * attempts a webhook keeps trying for about two days before it goes to `dispatch.dead`.
 */
export const RETRY_STEPS = [1, 60, 360, 1_440, 3_600, 7_200] as const;

/** Up to this share of each scheduled delay is taken off at random, so retries do not bunch up. */
export const RETRY_JITTER = 0.2;

/** A `Retry-After` longer than this is shortened to it: the next attempt will ask again. */
export const RETRY_AFTER_MAX_MS = 3_600_000;

/** Delay before the retry that follows attempt number `attemptsMade` (1 = the first attempt failed). */
export function scheduledDelay(attemptsMade: number, baseMs: number, random: () => number = Math.random): number {
  const step = RETRY_STEPS[Math.min(Math.max(attemptsMade, 1), RETRY_STEPS.length) - 1]!;
  const max = step * baseMs;
  return Math.floor(max * (1 - RETRY_JITTER) + random() * max * RETRY_JITTER);
}

/**
 * The wait before the next attempt. A receiver's `Retry-After` is honoured as a minimum (as RFC
 * 9110 means it) but never shortens the schedule: attempts are a budget sized for a long outage,
 * and a receiver answering "retry in 1 s" for an hour would otherwise use all of them in seconds
 * and park the webhook in `dispatch.dead`. It is capped at RETRY_AFTER_MAX_MS.
 */
export function retryDelay(attemptsMade: number, baseMs: number, retryAfterMs: number | undefined, random: () => number = Math.random): number {
  const scheduled = scheduledDelay(attemptsMade, baseMs, random);
  return retryAfterMs === undefined ? scheduled : Math.max(scheduled, Math.min(retryAfterMs, RETRY_AFTER_MAX_MS));
}

/** BullMQ strategy for the dispatch contract's `webhook` backoff type; reads `retryAfterMs` from the error. */
export function webhookBackoff(baseMs: number | (() => number), random: () => number = Math.random): BackoffStrategy {
  return (attemptsMade, _type, err) => {
    const retryAfterMs = (err as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
    const base = typeof baseMs === 'function' ? baseMs() : baseMs;
    return retryDelay(attemptsMade, base, typeof retryAfterMs === 'number' ? retryAfterMs : undefined, random);
  };
}

import type { Config } from '@render-signal/config';
import type { Settings } from '@render-signal/settings';
import type { Queue, Worker } from 'bullmq';

export type RateLimit = NonNullable<Config['delivery']['rateLimit']>;

/** The rate limit the settings ask for; null = none (`max` 0). */
export function rateLimitOf(settings: Readonly<Settings>): RateLimit | null {
  const { max, windowSeconds } = settings.webhook.rateLimit;
  return max > 0 ? { max, durationMs: windowSeconds * 1000 } : null;
}

/**
 * Applies a rate limit to a running dispatch worker. BullMQ reads the worker's `limiter` option
 * each time it takes a job, so the change holds from the next job on, without a restart; the
 * current window's count is reset so the new limit counts from now. A worker waiting out the old
 * window looks again within `maximumRateLimitDelay` (2 s, see createProcessor). Resolves to
 * whether anything changed.
 */
export async function applyRateLimit(worker: Worker, queue: Queue, limit: RateLimit | null): Promise<boolean> {
  const current = worker.opts.limiter;
  const same = limit === null ? current === undefined : current !== undefined && current.max === limit.max && current.duration === limit.durationMs;
  if (same) return false;
  const opts = worker.opts as { limiter?: { max: number; duration: number } };
  if (limit === null) delete opts.limiter;
  else opts.limiter = { max: limit.max, duration: limit.durationMs };
  await queue.removeRateLimitKey();
  return true;
}

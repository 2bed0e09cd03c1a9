import { DelayedError, MetricsTime, Queue, Worker, type BackoffStrategy, type Job, type RateLimiterOptions } from 'bullmq';
import type { DeadLetter, JobData, QueueContract } from '@render-signal/contracts';
import type { Logger } from '@render-signal/logger';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { PermanentError, errorCode, isPermanent } from './errors.js';
import type { Lifecycle } from './lifecycle.js';
import type { Metrics } from './metrics.js';
import { summarise } from './producer.js';

export type Handler<C extends QueueContract<string, z.ZodType>, R = unknown> = (
  data: JobData<C>,
  job: Job,
  token: string | undefined,
) => Promise<R>;

export interface ProcessorOptions {
  connection: Redis;
  prefix: string;
  log: Logger;
  metrics: Metrics;
  lifecycle: Lifecycle;
  concurrency?: number;
  /**
   * Which final failures are parked in the dead-letter queue (all of them by default). The fetch
   * stage parks only malformed jobs: a failed sync is redone by the next scheduled tick.
   */
  deadLetterWhen?: (err: unknown) => boolean;
  /**
   * Retry delays for jobs whose `backoff.type` is not one of BullMQ's own (`fixed`,
   * `exponential`): the offload stage caps them by its deadline, the dispatch stage honours
   * `Retry-After`. See `exponentialDelay` for the shared base curve.
   */
  backoffStrategy?: BackoffStrategy;
  /**
   * At most `max` jobs started per `duration` ms, across every worker of the queue (BullMQ keeps
   * the count in Redis). Jobs over the limit wait; none is dropped.
   */
  limiter?: RateLimiterOptions;
  /**
   * How long a running job stays locked to this worker (renewed while it runs): a worker that
   * dies leaves its jobs to others after this, plus the stalled check (every half of it).
   * JOB_LOCK_SECONDS; 60 s by default.
   */
  lockDurationMs?: number;
}

export interface RunningProcessor {
  readonly worker: Worker;
  readonly deadLetters: Queue;
}

/**
 * Starts a BullMQ worker for one queue contract. Job data is validated before the handler sees it
 * (an invalid job fails once, without retries). A job that fails for good is copied, with its
 * reason, to `<queue>.dead` before BullMQ marks it failed, so a crash in between cannot lose it.
 */
export function createProcessor<C extends QueueContract<string, z.ZodType>>(
  contract: C,
  handler: Handler<C>,
  options: ProcessorOptions,
): RunningProcessor {
  const { connection, prefix, metrics, lifecycle } = options;
  const log = options.log.child({ queue: contract.name });
  const deadLetters = new Queue(contract.deadLetterName, { connection, prefix });

  const run = async (job: Job, token?: string): Promise<unknown> => {
    const stopTimer = metrics.jobDuration.startTimer({ queue: contract.name });
    try {
      const parsed = contract.schema.safeParse(job.data);
      if (!parsed.success) {
        log.error({ code: 'job.invalid_data', jobId: job.id, issues: summarise(parsed.error) });
        throw new PermanentError('job.invalid_data', `job data does not match the ${contract.name} contract: ${summarise(parsed.error)}`);
      }
      const result = await handler(parsed.data as JobData<C>, job, token);
      metrics.jobs.inc({ queue: contract.name, outcome: 'completed' });
      log.debug({ code: 'job.completed', jobId: job.id, attempt: job.attemptsMade + 1 });
      return result;
    } catch (err) {
      // BullMQ's own control flow (a job moved to delayed on purpose) is not a failure.
      if (err instanceof DelayedError) throw err;
      const attempts = job.opts.attempts ?? 1;
      const final = isPermanent(err) || job.attemptsMade + 1 >= attempts;
      if (final && (options.deadLetterWhen?.(err) ?? true)) {
        await parkDeadLetter(deadLetters, job, err, contract.name);
        metrics.jobs.inc({ queue: contract.name, outcome: 'dead' });
        log.error({ code: 'job.dead_lettered', jobId: job.id, reasonCode: errorCode(err), err, attempt: job.attemptsMade + 1 });
      } else if (final) {
        metrics.jobs.inc({ queue: contract.name, outcome: 'failed' });
      } else {
        metrics.jobs.inc({ queue: contract.name, outcome: 'retry' });
        log.warn({ code: 'job.retrying', jobId: job.id, reasonCode: errorCode(err), err, attempt: job.attemptsMade + 1, attempts });
      }
      throw err;
    } finally {
      stopTimer();
    }
  };

  const worker = new Worker(contract.name, run, {
    connection,
    prefix,
    concurrency: options.concurrency ?? 1,
    // A lost worker's job is retried after this long; every handler's own timeouts are shorter.
    lockDuration: options.lockDurationMs ?? 60_000,
    stalledInterval: Math.min(30_000, Math.max(1_000, Math.round((options.lockDurationMs ?? 60_000) / 2))),
    // A rate-limited worker looks again within 2 s (one cheap script call), so a limit changed at
    // run time applies at once rather than at the end of the old window.
    maximumRateLimitDelay: 2_000,
    // Per-minute completed/failed counts for the last hour, shown as rates by the dashboard.
    metrics: { maxDataPoints: MetricsTime.ONE_HOUR },
    ...(options.backoffStrategy ? { settings: { backoffStrategy: options.backoffStrategy } } : {}),
    ...(options.limiter ? { limiter: options.limiter } : {}),
  });
  worker.on('error', (err) => log.warn({ code: 'redis.error', err }));
  lifecycle.onStop(`processor:${contract.name}`, async () => {
    // close() waits for active jobs to finish; new jobs are no longer taken.
    await worker.close();
    await deadLetters.close();
  });
  return { worker, deadLetters };
}

async function parkDeadLetter(deadLetters: Queue, job: Job, err: unknown, queueName: string): Promise<void> {
  const letter: DeadLetter = {
    queue: queueName,
    jobId: String(job.id),
    data: job.data,
    reason: err instanceof Error ? err.message : String(err),
    code: errorCode(err),
    attemptsMade: job.attemptsMade + 1,
    failedAt: new Date().toISOString(),
  };
  // Same id as the original job: parking the same job twice (a crash right after) is one letter.
  await deadLetters.add('dead', letter, { jobId: String(job.id), removeOnComplete: false, removeOnFail: false });
}

/**
 * BullMQ's exponential curve with jitter (`delay * 2^(attempt-1)`, minus up to `jitter` of it),
 * for custom strategies that adjust it. `random` is injectable for tests.
 */
export function exponentialDelay(attemptsMade: number, delay: number, jitter = 0, random: () => number = Math.random): number {
  const max = Math.round(2 ** Math.max(0, attemptsMade - 1) * delay);
  return jitter > 0 ? Math.floor(max * (1 - jitter) + random() * max * jitter) : max;
}

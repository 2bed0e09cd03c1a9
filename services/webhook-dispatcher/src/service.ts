import { DelayedError, Queue } from 'bullmq';
import type { Config } from '@render-signal/config';
import { deliveredDispatchData, QUEUES, type DeliveredDispatch } from '@render-signal/contracts';
import type { Logger } from '@render-signal/logger';
import { createProcessor, type Lifecycle, type Metrics, type RunningProcessor, type ServiceDefinition } from '@render-signal/queue';
import got, { type Got } from 'got';
import type { Redis } from 'ioredis';
import { DispatchMetrics } from './dispatch-metrics.js';
import { cachedEndpointState, endpointHash, isEndpointDisabled } from './endpoint-state.js';
import { deliverWebhook } from './processor.js';
import { applyRateLimit, rateLimitOf } from './rate-limit.js';
import { webhookBackoff } from './retry-schedule.js';

export interface DispatchProcessorOptions {
  redis: Redis;
  prefix: string;
  log: Logger;
  metrics: Metrics;
  dispatchMetrics?: DispatchMetrics;
  lifecycle: Lifecycle;
  /** The endpoint and its options; a function is read at every delivery (runtime settings). */
  webhook: Config['webhook'] | (() => Config['webhook']);
  delivery: Config['delivery'];
  /** First retry delay; a function is read at every retry (runtime settings). */
  retryBaseMs?: () => number;
  clock: () => Date;
  http?: Got;
  concurrency?: number;
  /** JOB_LOCK_SECONDS in ms (see createProcessor). */
  lockDurationMs?: number;
}

/**
 * The dispatch processor as the service runs it (tests and the benchmark start this same one):
 * the `webhook` backoff strategy, the rate limiter, postponing through `moveToDelayed`.
 */
export function startDispatchProcessor(o: DispatchProcessorOptions): RunningProcessor {
  const endpointState = cachedEndpointState(o.redis, o.prefix);
  return createProcessor(
    QUEUES.dispatch,
    (data, job, token) => {
      if ('delivered' in data) return alreadyDelivered(data, String(job.id), o.log);
      return deliverWebhook(
        data,
        {
          log: o.log,
          http: o.http ?? got,
          webhook: typeof o.webhook === 'function' ? o.webhook() : o.webhook,
          redis: o.redis,
          prefix: o.prefix,
          logMaxEntries: o.delivery.logMaxEntries,
          ...(o.dispatchMetrics ? { metrics: o.dispatchMetrics } : {}),
          endpointState,
          postpone: async (delayMs) => {
            // Moved by hand, so the attempt is not counted; DelayedError tells BullMQ it is done.
            await job.moveToDelayed(Date.now() + delayMs, token);
            throw new DelayedError();
          },
          // The payload leaves Redis with the delivery (see deliveredDispatchData), in the command
          // that logs it, ahead of the job's completion.
          forgetPayload: { jobKey: `${job.queueQualifiedName}:${job.id}`, data: deliveredDispatchData(data) },
          offloadResults: async () => Object.values(await job.getChildrenValues()),
          clock: o.clock,
        },
        { jobId: String(job.id), attemptsMade: job.attemptsMade, attempts: job.opts.attempts ?? 1 },
      );
    },
    {
      connection: o.redis,
      prefix: o.prefix,
      log: o.log,
      metrics: o.metrics,
      lifecycle: o.lifecycle,
      concurrency: o.concurrency ?? 8,
      ...(o.lockDurationMs ? { lockDurationMs: o.lockDurationMs } : {}),
      backoffStrategy: webhookBackoff(o.retryBaseMs ?? o.delivery.retryBaseMs),
      ...(o.delivery.rateLimit ? { limiter: { max: o.delivery.rateLimit.max, duration: o.delivery.rateLimit.durationMs } } : {}),
    },
  );
}

/**
 * A job whose data is already the delivered form (see deliveredDispatchData): its webhook went out
 * and its payload was dropped, then its worker stopped before completing it. Completed, not sent
 * again.
 */
async function alreadyDelivered(data: DeliveredDispatch, jobId: string, log: Logger): Promise<{ alreadyDelivered: true }> {
  log.info({ code: 'dispatch.already_delivered', emailId: data.emailId, jobId });
  return { alreadyDelivered: true };
}

export const webhookDispatcher: ServiceDefinition = {
  name: 'webhook-dispatcher',
  portOffset: 4,
  async start({ config, redis, log, metrics, lifecycle, clock, settings }) {
    const prefix = config.redis.prefix;
    // Read at every delivery: a URL or switch changed from the dashboard applies at once. The
    // signing secret is the environment's (WEBHOOK_SECRET), never a setting.
    const webhook = (): Config['webhook'] => {
      const current = settings.current();
      return {
        url: current.webhook.url,
        secret: config.webhook.secret,
        sendingEnabled: current.webhook.sendingEnabled && !current.killSwitches.dispatchPaused,
        timeoutMs: current.webhook.timeoutSeconds * 1000,
        maxAttempts: current.webhook.maxAttempts,
        requireJsonSuccess: current.webhook.requireJsonSuccess,
      };
    };
    const dispatchMetrics = new DispatchMetrics(metrics.registry, async () => {
      const endpoint = endpointHash(settings.current().webhook.url);
      return { endpoint, disabled: await isEndpointDisabled(redis, prefix, endpoint) };
    });
    const { worker, deadLetters } = startDispatchProcessor({
      redis,
      prefix,
      log,
      metrics,
      dispatchMetrics,
      lifecycle,
      webhook,
      // The dashboard's limit when one is stored, else the environment's; followed below.
      delivery: { ...config.delivery, rateLimit: rateLimitOf(settings.current()) },
      retryBaseMs: () => settings.current().webhook.retryBaseDelaySeconds * 1000,
      clock,
      lockDurationMs: config.jobs.lockMs,
    });
    // Depth of the queue and of its dead letters, read at scrape time.
    const queue = new Queue(QUEUES.dispatch.name, { connection: redis, prefix });
    lifecycle.onStop('queue:dispatch', () => queue.close());
    metrics.watchQueue(queue);
    metrics.watchQueue(deadLetters);
    const stopFollowing = settings.onChange(({ settings: current }) => {
      const limit = rateLimitOf(current);
      applyRateLimit(worker, queue, limit).then(
        (changed) => changed && log.info({ code: 'dispatch.rate_limit_changed', max: limit?.max ?? 0, windowSeconds: limit ? limit.durationMs / 1000 : null }),
        (err: unknown) => log.warn({ code: 'redis.error', during: 'rate_limit_change', err }),
      );
    });
    lifecycle.onStop('rate limit follower', async () => stopFollowing());
  },
};

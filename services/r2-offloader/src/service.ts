import { QUEUES } from '@render-signal/contracts';
import { checkResolvedHost, systemResolveHost, type ResolveHost } from '@render-signal/config';
import { createProcessor, exponentialDelay, type ServiceDefinition } from '@render-signal/queue';
import got from 'got';
import { createLinksLog } from './links-log.js';
import { OffloadMetrics } from './offload-metrics.js';
import { offloadLink, offloadRetryDelay } from './processor.js';

export interface R2OffloaderOptions {
  /** Addresses of a host name; the system resolver by default (tests resolve public names locally). */
  resolveHost?: ResolveHost;
}

export function createR2Offloader(options: R2OffloaderOptions = {}): ServiceDefinition {
  const resolveHost = options.resolveHost ?? systemResolveHost;
  return {
    name: 'r2-offloader',
    portOffset: 3,
    async start({ config, redis, log, metrics, lifecycle, settings }) {
      const prefix = config.redis.prefix;
      const offloadMetrics = new OffloadMetrics(metrics.registry);
      const deps = {
        log,
        r2: config.r2,
        runtime: () => {
          const current = settings.current();
          return { offloadDisabled: current.killSwitches.offloadDisabled, allowedHosts: current.providerAllowlist };
        },
        allowLocalTargets: config.allowLocalTargets,
        http: got,
        checkResolvedHost: (host: string) => checkResolvedHost(host, resolveHost),
        links: createLinksLog(redis, prefix, config.r2.linksMaxEntries, Date.now),
        metrics: offloadMetrics,
        now: Date.now,
      };
      createProcessor(
        QUEUES.offload,
        (data, job) => offloadLink(data, { createdAt: job.timestamp, attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1 }, deps),
        {
          connection: redis,
          prefix,
          log,
          metrics,
          lifecycle,
          concurrency: 8,
          lockDurationMs: config.jobs.lockMs,
          backoffStrategy: (attemptsMade, _type, _err, job) =>
            offloadRetryDelay({
              exponential: exponentialDelay(attemptsMade, job?.opts.backoff && typeof job.opts.backoff === 'object' ? (job.opts.backoff.delay ?? 5_000) : 5_000, 0.5),
              createdAt: job?.timestamp ?? Date.now(),
              deadlineMs: config.r2.deadlineMs,
              now: Date.now(),
            }),
        },
      );
    },
  };
}

export const r2Offloader: ServiceDefinition = createR2Offloader();

import { QUEUES, type FetchJob } from '@render-signal/contracts';
import { createProcessor, createProducer, errorCode, type ServiceDefinition } from '@render-signal/queue';
import { FetchMetrics } from './fetch-metrics.js';
import { imapConnector } from './imap-client.js';
import { leaseKeys } from './lease.js';
import { syncMailbox, type FetcherDeps } from './processor.js';
import { MailboxWatcher, isAuthenticationFailure } from './watcher.js';

export const imapFetcher: ServiceDefinition = {
  name: 'imap-fetcher',
  portOffset: 1,
  async start({ config, redis, log, metrics, lifecycle, addReadinessCheck }) {
    const prefix = config.redis.prefix;
    const mailbox = config.imap.mailbox;
    const parse = createProducer(QUEUES.parse, redis, prefix);
    const fetch = createProducer(QUEUES.fetch, redis, prefix);
    lifecycle.onStop('producer:parse', () => parse.queue.close());
    lifecycle.onStop('producer:fetch', () => fetch.queue.close());
    metrics.watchQueue(fetch.queue);

    const deps: FetcherDeps = {
      redis,
      prefix,
      log,
      connect: imapConnector(config.imap),
      enqueueParse: (job) => parse.add(job),
      maxMessageBytes: config.fetch.maxMessageBytes,
      rawTtlSeconds: config.fetch.rawTtlSeconds,
      leaseTtlMs: config.fetch.leaseTtlMs,
      markSeen: config.imap.markSeen,
    };
    const fetchMetrics = new FetchMetrics(metrics.registry);
    // Not ready while the server refuses the login: that needs a person, not a retry.
    let loginRefused = false;
    addReadinessCheck('imap-login', async () => !loginRefused);
    const observed = (trigger: FetchJob['trigger'], run: () => ReturnType<typeof syncMailbox>) =>
      fetchMetrics.observe(trigger, run).then(
        (result) => {
          if (result.outcome === 'synced') loginRefused = false;
          return result;
        },
        (err: unknown) => {
          loginRefused = isAuthenticationFailure(err);
          throw err;
        },
      );
    const sync = (data: FetchJob) =>
      observed(data.trigger, () => syncMailbox(data, deps)).catch((err: unknown) => {
        log.error({ code: 'fetch.failed', mailbox: data.mailbox, trigger: data.trigger, err });
        throw err;
      });

    createProcessor(QUEUES.fetch, sync, {
      connection: redis,
      prefix,
      log,
      metrics,
      lifecycle,
      concurrency: 1,
      deadLetterWhen: (err) => errorCode(err) === 'job.invalid_data',
    });

    // Created from this one place, idempotently: several starts update the same scheduler. With
    // IDLE on, it is the safety sweep behind the push.
    // Scheduler jobs do not pass through the producer, so their data is checked here.
    const data = QUEUES.fetch.schema.parse({ mailbox, trigger: 'schedule' });
    await fetch.queue.upsertJobScheduler(
      `sync.${encodeURIComponent(mailbox)}`,
      { every: config.fetch.intervalMs },
      { name: QUEUES.fetch.name, data, opts: QUEUES.fetch.defaults },
    );
    log.info({ code: 'fetch.scheduled', mailbox, everyMs: config.fetch.intervalMs, idle: config.fetch.idle });

    if (config.fetch.idle) {
      const watcher = new MailboxWatcher({
        redis,
        log,
        mailbox,
        connect: imapConnector(config.imap, { restartMs: config.fetch.idleRestartMs }),
        sync: (trigger) => observed(trigger, () => syncMailbox({ mailbox, trigger }, deps)),
        onWatching: (watching) => fetchMetrics.watching.set(watching ? 1 : 0),
        watchKeys: leaseKeys(`${prefix}:watch`, mailbox),
        syncLeaseKey: leaseKeys(prefix, mailbox).lease,
        leaseTtlMs: config.fetch.leaseTtlMs,
      });
      watcher.start();
      lifecycle.onStop('mailbox watcher', () => watcher.stop());
    }
  },
};

import { QUEUES } from '@render-signal/contracts';
import { createProcessor, createProducer, errorCode, type ServiceDefinition } from '@render-signal/queue';
import { imapConnector } from './imap-client.js';
import { syncMailbox } from './processor.js';

export const imapFetcher: ServiceDefinition = {
  name: 'imap-fetcher',
  portOffset: 1,
  async start({ config, redis, log, metrics, lifecycle }) {
    const prefix = config.redis.prefix;
    const parse = createProducer(QUEUES.parse, redis, prefix);
    const fetch = createProducer(QUEUES.fetch, redis, prefix);
    lifecycle.onStop('producer:parse', () => parse.queue.close());
    lifecycle.onStop('producer:fetch', () => fetch.queue.close());
    metrics.watchQueue(fetch.queue);

    const connect = imapConnector(config.imap);
    createProcessor(
      QUEUES.fetch,
      (data) =>
        syncMailbox(data, {
          redis,
          prefix,
          log,
          connect,
          enqueueParse: (job) => parse.add(job),
          maxMessageBytes: config.fetch.maxMessageBytes,
          rawTtlSeconds: config.fetch.rawTtlSeconds,
          leaseTtlMs: config.fetch.leaseTtlMs,
        }).catch((err: unknown) => {
          log.error({ code: 'fetch.failed', mailbox: data.mailbox, err });
          throw err;
        }),
      {
        connection: redis,
        prefix,
        log,
        metrics,
        lifecycle,
        concurrency: 1,
        deadLetterWhen: (err) => errorCode(err) === 'job.invalid_data',
      },
    );

    // Created from this one place, idempotently: several starts update the same scheduler.
    const mailbox = config.imap.mailbox;
    // Scheduler jobs do not pass through the producer, so their data is checked here.
    const data = QUEUES.fetch.schema.parse({ mailbox, trigger: 'schedule' });
    await fetch.queue.upsertJobScheduler(
      `sync.${encodeURIComponent(mailbox)}`,
      { every: config.fetch.intervalMs },
      { name: QUEUES.fetch.name, data, opts: QUEUES.fetch.defaults },
    );
    log.info({ code: 'fetch.scheduled', mailbox, everyMs: config.fetch.intervalMs });
  },
};

import { QUEUES, type FetchJob } from '@render-signal/contracts';
import { pollingState } from '@render-signal/core';
import { createProcessor, createProducer, errorCode, type ServiceDefinition } from '@render-signal/queue';
import { FetchMetrics } from './fetch-metrics.js';
import { imapConnector } from './imap-client.js';
import { leaseKeys } from './lease.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { syncMailbox, type FetcherDeps, type SyncResult } from './processor.js';
import { AUTH_FAILURE_RETRY_MS, MailboxWatcher, needsOperator } from './watcher.js';

export const imapFetcher: ServiceDefinition = {
  name: 'imap-fetcher',
  portOffset: 1,
  async start({ config, redis, log, metrics, lifecycle, settings, clock, addReadinessCheck }) {
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
      enqueueParse: (jobs) => parse.addBulk(jobs),
      maxMessageBytes: config.fetch.maxMessageBytes,
      rawTtlSeconds: config.fetch.rawTtlSeconds,
      leaseTtlMs: config.fetch.leaseTtlMs,
      markSeen: config.imap.markSeen,
      syncTimeoutMs: config.fetch.syncTimeoutMs,
      resyncWindowMs: config.fetch.resyncWindowMs,
    };
    const fetchMetrics = new FetchMetrics(metrics.registry);
    deps.onLease = (held) => fetchMetrics.leaseHeld.set(held ? 1 : 0);
    // Repeated failures pause the syncs of this instance (and make it unready) instead of
    // hammering the server; a refused login opens the circuit at once, for minutes.
    const breaker = new CircuitBreaker({ threshold: config.fetch.breakerThreshold, cooldownMs: config.fetch.breakerCooldownMs }, (state, failures) => {
      fetchMetrics.circuitOpen.set(state === 'closed' ? 0 : 1);
      if (state === 'open') log.error({ code: 'fetch.circuit_opened', mailbox, failures });
      if (state === 'closed') log.info({ code: 'fetch.circuit_closed', mailbox });
    });
    addReadinessCheck('imap', async () => breaker.state === 'closed');
    // The schedule and the pause switch are read at every tick: a dashboard change applies at once.
    let inactiveReason: string | undefined;
    const scheduled = (): boolean => {
      const current = settings.current();
      const state = current.killSwitches.fetchPaused
        ? { active: false as const, reason: 'paused' as const }
        : pollingState(current.polling, current.absenceDays, current.timezone, clock());
      const reason = state.active ? undefined : state.reason;
      if (reason !== inactiveReason) log.info({ code: reason ? 'fetch.inactive' : 'fetch.active', mailbox, reason });
      inactiveReason = reason;
      return state.active;
    };
    const observed = async (trigger: FetchJob['trigger'], run: () => ReturnType<typeof syncMailbox>): Promise<SyncResult> => {
      if (!scheduled()) {
        fetchMetrics.syncs.inc({ trigger, outcome: 'inactive' });
        return { outcome: 'inactive', found: 0, enqueued: 0, tooLarge: 0 };
      }
      if (!breaker.tryAcquire()) {
        fetchMetrics.syncs.inc({ trigger, outcome: 'circuit_open' });
        return { outcome: 'circuit_open', found: 0, enqueued: 0, tooLarge: 0 };
      }
      try {
        const result = await fetchMetrics.observe(trigger, run);
        if (result.outcome === 'synced') breaker.succeeded();
        else breaker.inconclusive();
        return result;
      } catch (err) {
        breaker.failed(needsOperator(err) ? AUTH_FAILURE_RETRY_MS : undefined);
        throw err;
      }
    };
    let watcher: MailboxWatcher | undefined;
    const sync = (data: FetchJob) =>
      observed(data.trigger, () => syncMailbox(data, deps)).then(
        (result) => {
          // What a tick finds (the mailbox back, or recreated under the IDLE connection) concerns the watcher.
          if (data.mailbox === mailbox) watcher?.noteSynced(result);
          return result;
        },
        (err: unknown) => {
          log.error({ code: 'fetch.failed', mailbox: data.mailbox, trigger: data.trigger, err });
          throw err;
        },
      );

    createProcessor(QUEUES.fetch, sync, {
      connection: redis,
      prefix,
      log,
      metrics,
      lifecycle,
      concurrency: 1,
      lockDurationMs: config.jobs.lockMs,
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
      const idle = new MailboxWatcher({
        redis,
        log,
        mailbox,
        connect: imapConnector(config.imap, { restartMs: config.fetch.idleRestartMs }),
        sync: (trigger) => observed(trigger, () => syncMailbox({ mailbox, trigger }, deps)),
        onWatching: (watching) => fetchMetrics.watching.set(watching ? 1 : 0),
        onReconnect: () => fetchMetrics.reconnects.inc(),
        watchKeys: leaseKeys(`${prefix}:watch`, mailbox),
        syncLeaseKey: leaseKeys(prefix, mailbox).lease,
        leaseTtlMs: config.fetch.leaseTtlMs,
      });
      watcher = idle;
      idle.start();
      lifecycle.onStop('mailbox watcher', () => idle.stop());
    }
  },
};

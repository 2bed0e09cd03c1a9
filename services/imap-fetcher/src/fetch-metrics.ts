import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { SyncResult } from './processor.js';

/** What an operator watches on the fetcher: is it syncing, holding the watch, falling behind? */
export class FetchMetrics {
  readonly syncs: Counter<'trigger' | 'outcome'>;
  readonly enqueued: Counter;
  readonly duration: Histogram;
  readonly errors: Counter<'code'>;
  readonly watching: Gauge;
  readonly leaseHeld: Gauge;
  readonly reconnects: Counter;
  readonly circuitOpen: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.syncs = new Counter({ name: 'render_signal_fetch_syncs_total', help: 'Mailbox syncs by trigger and outcome (synced, lease_held, lease_lost, circuit_open, inactive, failed).', labelNames: ['trigger', 'outcome'], registers });
    this.enqueued = new Counter({ name: 'render_signal_fetch_messages_enqueued_total', help: 'Messages handed to the parse queue.', registers });
    this.duration = new Histogram({ name: 'render_signal_fetch_sync_duration_seconds', help: 'Duration of syncs that held the lease.', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60], registers });
    this.errors = new Counter({ name: 'render_signal_fetch_errors_total', help: 'Failed syncs by error code (ETIMEDOUT, AUTHENTICATIONFAILED, ...).', labelNames: ['code'], registers });
    this.watching = new Gauge({ name: 'render_signal_fetch_watching', help: '1 while this process holds the IDLE connection on the mailbox (connected and watching).', registers });
    this.leaseHeld = new Gauge({ name: 'render_signal_fetch_lease_held', help: '1 while this process holds the mailbox lease (a sync is running here).', registers });
    this.reconnects = new Counter({ name: 'render_signal_fetch_reconnects_total', help: 'IDLE connections that failed or closed and are rebuilt.', registers });
    this.circuitOpen = new Gauge({ name: 'render_signal_fetch_circuit_open', help: '1 while the circuit breaker skips syncs after repeated failures (open or testing with one trial).', registers });
  }

  /** Wraps a sync so that every outcome, failures included, is counted. */
  async observe(trigger: string, sync: () => Promise<SyncResult>): Promise<SyncResult> {
    const stop = this.duration.startTimer();
    try {
      const result = await sync();
      if (result.outcome === 'synced') stop();
      this.syncs.inc({ trigger, outcome: result.outcome });
      this.enqueued.inc(result.enqueued);
      return result;
    } catch (err) {
      const e = err as { serverResponseCode?: unknown; code?: unknown };
      const code = typeof e.serverResponseCode === 'string' ? e.serverResponseCode : typeof e.code === 'string' ? e.code : 'unknown';
      this.syncs.inc({ trigger, outcome: 'failed' });
      this.errors.inc({ code });
      throw err;
    }
  }
}

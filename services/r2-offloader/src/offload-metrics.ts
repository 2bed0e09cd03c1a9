import { Counter, Histogram, type Registry } from 'prom-client';

/** Links by provider and outcome, and how long the Worker takes. */
export class OffloadMetrics {
  readonly links: Counter<'provider' | 'outcome'>;
  readonly duration: Histogram<'provider'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.links = new Counter({
      name: 'render_signal_offload_links_total',
      help: 'Delivery links by provider and outcome: copied, existing (already in R2), retry (an attempt failed, another follows), failed (sent with the source URL), refused (allowlist or SSRF guard), disabled (R2 off).',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'render_signal_offload_worker_duration_seconds',
      help: 'Duration of Worker calls by provider.',
      labelNames: ['provider'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 15, 30, 60, 120],
      registers,
    });
  }
}

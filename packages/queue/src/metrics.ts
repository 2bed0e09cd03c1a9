import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queue } from 'bullmq';

/** The metrics every service shares; one registry per process, scraped at `/metrics`. */
export class Metrics {
  readonly registry = new Registry();
  readonly jobs: Counter<'queue' | 'outcome'>;
  readonly jobDuration: Histogram<'queue'>;
  private readonly depthQueues = new Map<string, Queue>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'render_signal_' });
    this.jobs = new Counter({
      name: 'render_signal_jobs_total',
      help: 'Job runs by queue and outcome: completed, retry (will run again), dead (parked in <queue>.dead), failed (given up, not parked).',
      labelNames: ['queue', 'outcome'],
      registers: [this.registry],
    });
    this.jobDuration = new Histogram({
      name: 'render_signal_job_duration_seconds',
      help: 'Time spent processing one job run.',
      labelNames: ['queue'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
      registers: [this.registry],
    });
    const depthQueues = this.depthQueues;
    new Gauge({
      name: 'render_signal_queue_jobs',
      help: 'Jobs in a queue by state, read from Redis at scrape time.',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [name, queue] of depthQueues) {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
          for (const [state, n] of Object.entries(counts)) this.set({ queue: name, state }, n);
        }
      },
    });
  }

  /** Reports the depth of this queue on scrape. */
  watchQueue(queue: Queue): void {
    this.depthQueues.set(queue.name, queue);
  }
}

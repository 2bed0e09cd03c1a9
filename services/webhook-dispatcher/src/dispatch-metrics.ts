import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DeliveryOutcome } from '@render-signal/contracts';

export type StatusClass = '2xx' | '3xx' | '4xx' | '5xx' | 'network' | 'timeout';

/** `2xx` … `5xx` for an answer; `timeout` or `network` when there was none. */
export function statusClass(status: number | undefined, errorCode?: string): StatusClass {
  if (status === undefined) return errorCode === 'ETIMEDOUT' ? 'timeout' : 'network';
  if (status < 300) return '2xx';
  if (status < 400) return '3xx';
  if (status < 500) return '4xx';
  return '5xx';
}

/** What an operator watches on the dispatcher: is the receiver answering, how fast, is it disabled? */
export class DispatchMetrics {
  readonly deliveries: Counter<'class'>;
  readonly attempts: Counter<'outcome'>;
  readonly latency: Histogram<'class'>;
  readonly endpointDisabled: Gauge<'endpoint'>;

  /** `disabledNow` is read at scrape time, so a re-enable from another process shows at once. */
  constructor(registry: Registry, disabledNow?: () => Promise<{ endpoint: string; disabled: boolean }>) {
    const registers = [registry];
    this.deliveries = new Counter({ name: 'render_signal_dispatch_deliveries_total', help: 'Delivery attempts by answer: 2xx, 3xx, 4xx, 5xx, or network / timeout when there was none.', labelNames: ['class'], registers });
    this.attempts = new Counter({ name: 'render_signal_dispatch_attempts_total', help: 'Delivery attempts by outcome: delivered, retry, dead, disabled (410 Gone).', labelNames: ['outcome'], registers });
    this.latency = new Histogram({ name: 'render_signal_dispatch_latency_seconds', help: 'Time from sending a webhook to the receiver’s answer (or the error).', labelNames: ['class'], buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers });
    this.endpointDisabled = new Gauge({
      name: 'render_signal_dispatch_endpoint_disabled',
      help: '1 while the configured webhook endpoint (a hash of WEBHOOK_URL) is disabled after a 410 Gone.',
      labelNames: ['endpoint'],
      registers,
      ...(disabledNow
        ? {
            async collect() {
              const { endpoint, disabled } = await disabledNow();
              this.reset();
              this.set({ endpoint }, disabled ? 1 : 0);
            },
          }
        : {}),
    });
  }

  attempt(outcome: DeliveryOutcome, status: number | undefined, errorCode: string | undefined, ms: number): void {
    const cls = statusClass(status, errorCode);
    this.deliveries.inc({ class: cls });
    this.attempts.inc({ outcome });
    this.latency.observe({ class: cls }, ms / 1000);
  }
}

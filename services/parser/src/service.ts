import type { Config } from '@render-signal/config';
import { QUEUES } from '@render-signal/contracts';
import type { Settings } from '@render-signal/settings';
import { createFlowEnqueuer, createProcessor, createProducer, type ServiceDefinition } from '@render-signal/queue';
import { dispatchAfterOffload, dispatchExists } from './hand-off.js';
import { parseMessage } from './processor.js';

function rulesFrom(env: Config['rules'], current: Readonly<Settings>): Config['rules'] {
  return {
    ...env,
    senderAllowlist: [...current.senderAllowlist],
    timezone: current.timezone,
    window: { ...current.window },
    allowWithoutLinks: current.processing.sendWithoutLinks,
  };
}

export const parser: ServiceDefinition = {
  name: 'parser',
  portOffset: 2,
  async start({ config, redis, log, metrics, lifecycle, clock, settings }) {
    const prefix = config.redis.prefix;
    // WEBHOOK_MAX_ATTEMPTS, or the dashboard's value when one is stored: read per message.
    const attempts = () => settings.current().webhook.maxAttempts;
    const dispatch = createProducer(QUEUES.dispatch, redis, prefix);
    const flows = createFlowEnqueuer(redis, prefix);
    lifecycle.onStop('producer:dispatch', () => dispatch.queue.close());
    lifecycle.onStop('producer:flows', () => flows.producer.close());
    metrics.watchQueue(dispatch.queue);
    createProcessor(
      QUEUES.parse,
      (data, job) =>
        parseMessage(data, String(job.id), {
          redis,
          prefix,
          log,
          clock,
          // Read per message: the dashboard's allowlist, window, zone and flags apply without a restart.
          rules: rulesFrom(config.rules, settings.current()),
          holdOutsideWindow: settings.current().webhook.holdOutsideWindow,
          dedupe: { ...config.dedupe, enabled: settings.current().processing.dedupeByMessageId },
          enqueueDispatch: (d) => dispatch.add(d, { attempts: attempts() }),
          enqueueDispatchAfterOffload: dispatchAfterOffload(flows, dispatch, attempts),
          handedOn: (ref) => dispatchExists(dispatch, ref),
        }),
      { connection: redis, prefix, log, metrics, lifecycle, concurrency: 4, lockDurationMs: config.jobs.lockMs },
    );
  },
};

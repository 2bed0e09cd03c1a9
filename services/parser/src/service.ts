import { QUEUES } from '@render-signal/contracts';
import { createFlowEnqueuer, createProcessor, createProducer, type ServiceDefinition } from '@render-signal/queue';
import { dispatchAfterOffload, dispatchExists } from './hand-off.js';
import { parseMessage } from './processor.js';

export const parser: ServiceDefinition = {
  name: 'parser',
  portOffset: 2,
  async start({ config, redis, log, metrics, lifecycle, clock }) {
    const prefix = config.redis.prefix;
    const attempts = config.webhook.maxAttempts;
    const dispatch = createProducer(QUEUES.dispatch, redis, prefix, { attempts });
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
          rules: config.rules,
          dedupe: config.dedupe,
          enqueueDispatch: (d) => dispatch.add(d),
          enqueueDispatchAfterOffload: dispatchAfterOffload(flows, dispatch, attempts),
          handedOn: (ref) => dispatchExists(dispatch, ref),
        }),
      { connection: redis, prefix, log, metrics, lifecycle, concurrency: 4 },
    );
  },
};

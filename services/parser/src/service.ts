import { QUEUES } from '@render-signal/contracts';
import { createProcessor, createProducer, type ServiceDefinition } from '@render-signal/queue';
import { parseMessage } from './processor.js';

export const parser: ServiceDefinition = {
  name: 'parser',
  portOffset: 2,
  async start({ config, redis, log, metrics, lifecycle, clock }) {
    const prefix = config.redis.prefix;
    const offload = createProducer(QUEUES.offload, redis, prefix);
    const dispatch = createProducer(QUEUES.dispatch, redis, prefix, { attempts: config.webhook.maxAttempts });
    lifecycle.onStop('producer:offload', () => offload.queue.close());
    lifecycle.onStop('producer:dispatch', () => dispatch.queue.close());
    createProcessor(
      QUEUES.parse,
      (data) =>
        parseMessage(data, {
          redis,
          log,
          clock,
          rules: config.rules,
          enqueueOffload: (job) => offload.add(job),
          enqueueDispatch: (job) => dispatch.add(job),
        }),
      { connection: redis, prefix, log, metrics, lifecycle, concurrency: 4 },
    );
  },
};

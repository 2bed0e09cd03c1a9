import { QUEUES } from '@render-signal/contracts';
import { createProcessor, createProducer, type ServiceDefinition } from '@render-signal/queue';
import { offloadLinks } from './processor.js';

export const r2Offloader: ServiceDefinition = {
  name: 'r2-offloader',
  portOffset: 3,
  async start({ config, redis, log, metrics, lifecycle }) {
    const prefix = config.redis.prefix;
    const dispatch = createProducer(QUEUES.dispatch, redis, prefix, { attempts: config.webhook.maxAttempts });
    lifecycle.onStop('producer:dispatch', () => dispatch.queue.close());
    createProcessor(QUEUES.offload, (data) => offloadLinks(data, { log, enqueueDispatch: (job) => dispatch.add(job) }), {
      connection: redis,
      prefix,
      log,
      metrics,
      lifecycle,
      concurrency: 4,
    });
  },
};

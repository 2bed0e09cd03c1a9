import { QUEUES } from '@render-signal/contracts';
import { createProcessor, type ServiceDefinition } from '@render-signal/queue';
import { offloadLink } from './processor.js';

export const r2Offloader: ServiceDefinition = {
  name: 'r2-offloader',
  portOffset: 3,
  async start({ config, redis, log, metrics, lifecycle }) {
    const prefix = config.redis.prefix;
    createProcessor(QUEUES.offload, (data) => offloadLink(data, { log }), {
      connection: redis,
      prefix,
      log,
      metrics,
      lifecycle,
      concurrency: 4,
    });
  },
};

import { DelayedError } from 'bullmq';
import { QUEUES } from '@render-signal/contracts';
import { createProcessor, type ServiceDefinition } from '@render-signal/queue';
import got from 'got';
import { deliverWebhook } from './processor.js';

export const webhookDispatcher: ServiceDefinition = {
  name: 'webhook-dispatcher',
  portOffset: 4,
  async start({ config, redis, log, metrics, lifecycle, clock }) {
    const prefix = config.redis.prefix;
    createProcessor(
      QUEUES.dispatch,
      (data, job, token) =>
        deliverWebhook(data, {
          log,
          http: got,
          webhook: config.webhook,
          postpone: async (delayMs) => {
            await job.moveToDelayed(Date.now() + delayMs, token);
            throw new DelayedError();
          },
          offloadResults: async () => Object.values(await job.getChildrenValues()),
          clock,
        }),
      { connection: redis, prefix, log, metrics, lifecycle, concurrency: 8 },
    );
  },
};

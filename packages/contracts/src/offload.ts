import type { z } from 'zod';
import { defineQueue, RETENTION } from './define-queue.js';
import { messageKey } from './message-ref.js';
import { payloadJobSchema } from './payload-job.js';

export const offloadJobSchema = payloadJobSchema;
export type OffloadJob = z.infer<typeof offloadJobSchema>;

export const offloadQueue = defineQueue({
  name: 'offload',
  schema: offloadJobSchema,
  defaults: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
    removeOnComplete: RETENTION.completed,
    removeOnFail: RETENTION.failed,
  },
  jobId: (data) => messageKey(data.ref),
});

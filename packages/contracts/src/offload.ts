import { z } from 'zod';
import { defineQueue, RETENTION } from './define-queue.js';
import { messageKey, messageRefSchema } from './message-ref.js';
import { webhookPayloadSchema } from './payload.js';

export const offloadJobSchema = z.object({
  ref: messageRefSchema,
  emailId: z.string(),
  payload: webhookPayloadSchema,
});
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

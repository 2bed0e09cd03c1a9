import { z } from 'zod';
import { defineQueue, RETENTION } from './define-queue.js';
import { messageKey, messageRefSchema } from './message-ref.js';
import { webhookPayloadSchema } from './payload.js';

/** A decided email on its way to the receiver. */
export const dispatchJobSchema = z.object({
  ref: messageRefSchema,
  emailId: z.string(),
  payload: webhookPayloadSchema,
});
export type DispatchJob = z.infer<typeof dispatchJobSchema>;

/** Ten attempts with exponential backoff cover about 85 minutes of receiver outage (WEBHOOK_MAX_ATTEMPTS). */
export const dispatchQueue = defineQueue({
  name: 'dispatch',
  schema: dispatchJobSchema,
  defaults: {
    attempts: 10,
    backoff: { type: 'exponential', delay: 5_000, jitter: 0.5 },
    removeOnComplete: RETENTION.completed,
    removeOnFail: RETENTION.failed,
  },
  jobId: (data) => messageKey(data.ref),
});

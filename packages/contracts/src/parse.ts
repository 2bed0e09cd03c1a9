import { z } from 'zod';
import { defineQueue, RETENTION } from './define-queue.js';
import { messageKey, messageRefSchema } from './message-ref.js';

/** Job data holds a reference to the raw message, never the message itself. */
export const parseJobSchema = z.object({
  ref: messageRefSchema,
  /** Redis key of the raw RFC 822 bytes (with a TTL); absent when the message was too large to fetch. */
  rawKey: z.string().min(1).optional(),
  size: z.number().int().nonnegative(),
});
export type ParseJob = z.infer<typeof parseJobSchema>;

export const parseQueue = defineQueue({
  name: 'parse',
  schema: parseJobSchema,
  defaults: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 2_000, jitter: 0.5 },
    removeOnComplete: RETENTION.completed,
    removeOnFail: RETENTION.failed,
  },
  jobId: (data) => messageKey(data.ref),
});

import { z } from 'zod';
import { defineQueue, RETENTION } from './define-queue.js';
import { messageKey, messageRefSchema } from './message-ref.js';
import { deliveryLinkSchema } from './payload.js';

/**
 * One delivery link to copy. Offload jobs are the children of the email's dispatch job (a BullMQ
 * flow): the webhook leaves once every child has finished. A child gives up by completing with the
 * link's fallback form (before the offload deadline); one that fails anyway (invalid data) does
 * not hold the webhook back either (`ignoreDependencyOnFailure`): its link keeps only `raw_url`.
 */
export const offloadJobSchema = z.object({
  ref: messageRefSchema,
  emailId: z.string(),
  /** Position of the link in `delivery_links`, so the dispatcher can put the result back. */
  index: z.number().int().nonnegative(),
  link: deliveryLinkSchema,
});
export type OffloadJob = z.infer<typeof offloadJobSchema>;

/** What an offload job returns to its parent dispatch job. */
export const offloadResultSchema = z.object({
  index: z.number().int().nonnegative(),
  link: deliveryLinkSchema,
});
export type OffloadResult = z.infer<typeof offloadResultSchema>;

export const offloadQueue = defineQueue({
  name: 'offload',
  schema: offloadJobSchema,
  defaults: {
    attempts: 5,
    // Exponential with jitter, capped by the offload deadline: the r2-offloader's backoff strategy.
    backoff: { type: 'offload', delay: 5_000 },
    removeOnComplete: RETENTION.completed,
    removeOnFail: RETENTION.failed,
  },
  jobId: (data) => `${messageKey(data.ref)}.link${data.index}`,
});

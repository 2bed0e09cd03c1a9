import { z } from 'zod';
import { defineQueue, RETENTION } from './define-queue.js';
import { messageKey, messageRefSchema } from './message-ref.js';
import { webhookPayloadSchema } from './payload.js';

/** A decided email on its way to the receiver. */
export const dispatchJobSchema = z.object({
  ref: messageRefSchema,
  emailId: z.string(),
  payload: webhookPayloadSchema,
  /**
   * Held until the delivery window opens (the `holdOutsideWindow` setting): the dispatcher does
   * not send before this instant (ISO 8601).
   */
  notBefore: z.iso.datetime({ offset: true }).optional(),
});
export type DispatchJob = z.infer<typeof dispatchJobSchema>;

/**
 * What a delivered dispatch job keeps: the payload is personal data (subject, sender, body) and
 * has no use once the receiver has it, so only the references stay while BullMQ keeps the job
 * (its id still makes a re-enqueue of the same message a no-op). Jobs still waiting, retrying
 * or parked in `dispatch.dead` keep their payload until delivered, replayed or deleted. A job
 * found in this form when it runs (its worker died between the delivery and the completion) is
 * completed without sending again.
 */
export const deliveredDispatchSchema = z.object({ ref: messageRefSchema, emailId: z.string(), delivered: z.literal(true) });
export type DeliveredDispatch = z.infer<typeof deliveredDispatchSchema>;

export function deliveredDispatchData(data: DispatchJob): DeliveredDispatch {
  return { ref: data.ref, emailId: data.emailId, delivered: true };
}

/** The dispatch stage's own backoff type, computed by the webhook-dispatcher's backoff strategy. */
export const DISPATCH_BACKOFF_TYPE = 'webhook';

/**
 * Ten attempts (WEBHOOK_MAX_ATTEMPTS) on a Svix-like schedule span about two days of receiver
 * outage: 5 s, 5 min, 30 min, 2 h, 5 h, then every 10 h. The dispatcher computes each delay
 * (WEBHOOK_RETRY_BASE_SECONDS scales it; a `Retry-After` of a 429 or 503 lengthens it); `delay`
 * here is the default base, kept for tools that display job options.
 */
export const dispatchQueue = defineQueue({
  name: 'dispatch',
  schema: z.union([dispatchJobSchema, deliveredDispatchSchema]),
  defaults: {
    attempts: 10,
    backoff: { type: DISPATCH_BACKOFF_TYPE, delay: 5_000 },
    removeOnComplete: RETENTION.completed,
    removeOnFail: RETENTION.failed,
  },
  jobId: (data) => messageKey(data.ref),
});

export const DELIVERY_OUTCOMES = ['delivered', 'retry', 'dead', 'disabled'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

/**
 * One delivery attempt as the dispatcher's delivery log keeps it (a capped Redis stream; fields
 * are strings there, hence the coercions). Nothing personal: the subject is a hash, the endpoint
 * a hash of the URL, and neither addresses nor the body are stored.
 */
export const deliveryLogEntrySchema = z.object({
  /** Stream entry id (Redis time of the append). */
  id: z.string(),
  /** When the attempt was made, by the dispatcher's clock. */
  at: z.iso.datetime({ offset: true }),
  emailId: z.string(),
  jobId: z.string(),
  attempt: z.coerce.number().int().positive(),
  outcome: z.enum(DELIVERY_OUTCOMES),
  /** HTTP status, when the receiver answered. */
  status: z.coerce.number().int().optional(),
  /** Network error code (ECONNREFUSED, ETIMEDOUT, ...), when it did not. */
  error: z.string().optional(),
  /** Stable code of a failed attempt (`dispatch.rejected`, `dispatch.network`, ...). */
  reasonCode: z.string().optional(),
  /** Request latency. */
  ms: z.coerce.number().int().nonnegative(),
  webhookId: z.string(),
  subjectHash: z.string(),
  /** Hash of the webhook URL. */
  endpoint: z.string(),
  /** The wait a `Retry-After` asked for, when there was one. */
  retryAfterMs: z.coerce.number().int().nonnegative().optional(),
});
export type DeliveryLogEntry = z.infer<typeof deliveryLogEntrySchema>;

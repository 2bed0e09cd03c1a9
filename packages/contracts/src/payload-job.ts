import { z } from 'zod';
import { messageRefSchema } from './message-ref.js';
import { webhookPayloadSchema } from './payload.js';

/** A decided email on its way to the receiver: what offload and dispatch jobs carry. */
export const payloadJobSchema = z.object({
  ref: messageRefSchema,
  emailId: z.string(),
  payload: webhookPayloadSchema,
});

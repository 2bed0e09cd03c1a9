import { z } from 'zod';

export const PROVIDERS = ['dropbox', 'fromsmash', 'swisstransfer', 'wetransfer'] as const;
export const DETECTORS = ['recadrage', 'desabonnement_journee_tarifs'] as const;

export const deliveryLinkSchema = z.object({
  provider: z.enum(PROVIDERS),
  raw_url: z.string().min(1),
  direct_url: z.string().optional(),
  r2_url: z.string().optional(),
  original_filename: z.string().optional(),
});
export type DeliveryLink = z.infer<typeof deliveryLinkSchema>;

/**
 * The webhook body the user's receiver already parses (original field names and order).
 * A field added to the payload is added here too: unknown keys are stripped between stages.
 */
export const webhookPayloadSchema = z.object({
  microsoft_graph_email_id: z.string().regex(/^[0-9a-f]{32}$/),
  subject: z.string(),
  receivedDateTime: z.string(),
  sender_address: z.string(),
  bodyPreview: z.string(),
  email_content: z.string(),
  webhooks_time_start: z.string().optional(),
  webhooks_time_end: z.string().optional(),
  detector: z.enum(DETECTORS).optional(),
  delivery_time: z.string().optional(),
  sender_email: z.string(),
  delivery_links: z.array(deliveryLinkSchema).optional(),
});
export type WebhookPayloadData = z.infer<typeof webhookPayloadSchema>;

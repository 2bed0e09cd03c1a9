import type { DeliveryLink, Detector, EmailHeaders, WebhookPayload } from './types.js';
import type { WindowPayloadStrings } from './window-payload-strings.js';

export interface PayloadParts {
  headers: EmailHeaders;
  bodyPreview: string;
  emailContent: string;
  windowStrings: WindowPayloadStrings;
  detector: Detector | null;
  deliveryTime: string | null;
  links: DeliveryLink[];
}

/** The webhook body with keys inserted in the original's order (§9.1); absent keys are not set at all. */
export function buildPayload(p: PayloadParts): WebhookPayload {
  const payload: WebhookPayload = {
    microsoft_graph_email_id: p.headers.emailId,
    subject: p.headers.subject,
    receivedDateTime: p.headers.date,
    sender_address: p.headers.from || p.headers.senderEmail,
    bodyPreview: p.bodyPreview,
    email_content: p.emailContent,
  } as WebhookPayload;
  if (p.windowStrings.webhooks_time_start !== undefined) payload.webhooks_time_start = p.windowStrings.webhooks_time_start;
  if (p.windowStrings.webhooks_time_end !== undefined) payload.webhooks_time_end = p.windowStrings.webhooks_time_end;
  if (p.detector) payload.detector = p.detector;
  if (p.detector === 'recadrage' && p.deliveryTime) payload.delivery_time = p.deliveryTime;
  payload.sender_email = p.headers.senderEmail;
  if (p.links.length > 0) payload.delivery_links = p.links.map((l) => ({ ...l }));
  return payload;
}

export type Provider = 'dropbox' | 'fromsmash' | 'swisstransfer' | 'wetransfer';

export interface DeliveryLink {
  provider: Provider;
  raw_url: string;
  direct_url?: string;
  r2_url?: string;
  original_filename?: string;
}

export type Detector = 'recadrage' | 'desabonnement_journee_tarifs';

/** Keys are declared in the wire order of the original (§9.1); buildPayload inserts them in this order. */
export interface WebhookPayload {
  microsoft_graph_email_id: string;
  subject: string;
  receivedDateTime: string;
  sender_address: string;
  bodyPreview: string;
  email_content: string;
  webhooks_time_start?: string;
  webhooks_time_end?: string;
  detector?: Detector;
  delivery_time?: string;
  sender_email: string;
  delivery_links?: DeliveryLink[];
}

export interface EmailHeaders {
  messageId: string;
  /** Decoded like Python's email.header.decode_header (§4.1). */
  subject: string;
  /** Raw, folds kept. */
  date: string;
  /** Raw, not RFC 2047-decoded. */
  from: string;
  /** Lower-cased. */
  senderEmail: string;
  emailId: string;
}

export interface DecisionContext {
  now: Date;
  timezone: string;
  senderAllowlist: readonly string[];
  window: { start?: string; end?: string };
  allowWithoutLinks: boolean;
  maskContent: boolean;
  contentMaxChars: number | null;
}

export type SkipReason = 'sender_not_allowlisted' | 'reply_or_forward' | 'outside_window' | 'no_delivery_links';

export type Decision =
  | { action: 'send'; emailId: string; payload: WebhookPayload }
  | { action: 'skip'; emailId: string; reason: SkipReason; detector?: Detector };

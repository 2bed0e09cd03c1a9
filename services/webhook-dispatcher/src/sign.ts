import { createHash } from 'node:crypto';
import { messageKey, type MessageRef } from '@render-signal/contracts';
import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks message id: the same for every attempt at delivering one email to one
 * endpoint, so the receiver can drop a retry it has already processed.
 */
export function webhookId(ref: MessageRef, url: string): string {
  return `msg_${createHash('sha256').update(`${messageKey(ref)}\n${url}`).digest('base64url').slice(0, 32)}`;
}

/**
 * Headers of one attempt. `webhook-id` and `webhook-timestamp` always go out; `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of id.timestamp.body>`) when a secret is configured. The signature is
 * computed over the exact bytes sent.
 */
export function standardWebhookHeaders(id: string, body: string, now: Date, secret: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)) };
  if (secret) headers['webhook-signature'] = new Webhook(secret).sign(id, now, body);
  return headers;
}

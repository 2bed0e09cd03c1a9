import { z } from 'zod';

/** Identifies one message on the IMAP server: stable as long as UIDVALIDITY does not change. */
export const messageRefSchema = z.object({
  mailbox: z.string().min(1),
  uidValidity: z.string().regex(/^\d+$/, 'UIDVALIDITY must be a decimal string'),
  uid: z.number().int().positive(),
});
export type MessageRef = z.infer<typeof messageRefSchema>;

/**
 * The job id shared by every stage for one message. BullMQ refuses `:` in ids and numeric ids,
 * so the mailbox is URI-encoded and the parts are joined with dots.
 */
export function messageKey(ref: MessageRef): string {
  return `${encodeURIComponent(ref.mailbox)}.${ref.uidValidity}.${ref.uid}`;
}

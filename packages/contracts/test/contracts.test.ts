import { describe, expect, it } from '@jest/globals';
import { ALL_QUEUE_NAMES, QUEUES, dispatchJobSchema, messageKey } from '../src/index.js';

const ref = { mailbox: 'INBOX', uidValidity: '1768296000', uid: 42 };

describe('queue contracts', () => {
  it('names each stage and its dead-letter queue once', () => {
    expect(ALL_QUEUE_NAMES).toEqual(['fetch', 'fetch.dead', 'parse', 'parse.dead', 'offload', 'offload.dead', 'dispatch', 'dispatch.dead']);
  });

  it('derives one deterministic job id per message, valid for BullMQ (no ":" and not an integer)', () => {
    expect(QUEUES.parse.jobId({ ref, rawKey: 'k', size: 1 })).toBe('INBOX.1768296000.42');
    expect(QUEUES.parse.jobId({ ref, size: 9 })).toBe(QUEUES.parse.jobId({ ref, rawKey: 'other', size: 1 }));
    const odd = messageKey({ mailbox: 'Travail:Commandes', uidValidity: '7', uid: 1 });
    expect(odd).not.toContain(':');
    expect(odd).not.toBe(messageKey({ mailbox: 'Travail/Commandes', uidValidity: '7', uid: 1 }));
  });

  it('rejects job data that does not match, with the path of the problem', () => {
    const result = QUEUES.parse.schema.safeParse({ ref: { ...ref, uid: -1 }, size: 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['ref', 'uid']);
    expect(QUEUES.dispatch.schema.safeParse({ ref, emailId: 'x', payload: { subject: 'no id' } }).success).toBe(false);
  });

  it('accepts a dispatch job in its delivered form (references only), and nothing in between', () => {
    expect(QUEUES.dispatch.schema.parse({ ref, emailId: 'x', delivered: true })).toEqual({ ref, emailId: 'x', delivered: true });
    expect(QUEUES.dispatch.schema.safeParse({ ref, emailId: 'x', delivered: false }).success).toBe(false);
    expect(QUEUES.dispatch.schema.safeParse({ ref, delivered: true }).success).toBe(false);
  });

  it('keeps the payload keys in the original order', () => {
    const payload = {
      delivery_links: [{ provider: 'dropbox', raw_url: 'https://www.dropbox.com/s/x' }],
      sender_email: 'a@example.com',
      email_content: '',
      bodyPreview: '',
      sender_address: 'a@example.com',
      receivedDateTime: '',
      subject: 's',
      microsoft_graph_email_id: '0'.repeat(32),
    };
    const parsed = dispatchJobSchema.parse({ ref, emailId: 'x', payload });
    expect(Object.keys(parsed.payload)).toEqual([
      'microsoft_graph_email_id', 'subject', 'receivedDateTime', 'sender_address', 'bodyPreview', 'email_content', 'sender_email', 'delivery_links',
    ]);
  });
});

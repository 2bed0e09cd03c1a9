import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { standardWebhookHeaders, webhookId } from '../src/sign.js';
import { subjectHash } from '../src/delivery-log.js';
import { endpointHash } from '../src/endpoint-state.js';

const secrets = [
  `whsec_${Buffer.from('a-test-secret-of-32-bytes-length').toString('base64')}`,
  `whsec_${Buffer.alloc(25, 0xfe).toString('base64')}`, // with padding
  Buffer.alloc(30, 7).toString('base64'), // without the prefix, as the library also accepts
];
const bodies = ['{}', JSON.stringify({ subject: 'Média Solution - Lot 4127 ✓ 🎬', email_content: 'Bonjour,\n'.repeat(100) }), '"\ud83c"', ''];

describe('standardWebhookHeaders', () => {
  it('signs exactly as the reference implementation (standardwebhooks) does', () => {
    const now = new Date('2026-01-13T09:15:00.999Z');
    for (const secret of secrets) {
      for (const body of bodies) {
        const headers = standardWebhookHeaders('msg_abc', body, now, secret);
        expect(headers).toEqual({ 'webhook-id': 'msg_abc', 'webhook-timestamp': '1768295700', 'webhook-signature': new Webhook(secret).sign('msg_abc', now, body) });
      }
    }
  });

  it('signs with the current secret after it changed', () => {
    const now = new Date();
    const [a, b] = secrets as [string, string];
    const first = standardWebhookHeaders('msg_1', '{}', now, a)['webhook-signature'];
    const second = standardWebhookHeaders('msg_1', '{}', now, b)['webhook-signature'];
    expect(first).toBe(new Webhook(a).sign('msg_1', now, '{}'));
    expect(second).toBe(new Webhook(b).sign('msg_1', now, '{}'));
    expect(second).not.toBe(first);
  });

  it('refuses a secret the reference implementation cannot read, and sends no signature without one', () => {
    expect(() => standardWebhookHeaders('msg_1', '{}', new Date(), 'whsec_not*base64')).toThrow();
    expect(standardWebhookHeaders('msg_1', '{}', new Date(0), undefined)).toEqual({ 'webhook-id': 'msg_1', 'webhook-timestamp': '0' });
  });
});

describe('hashes', () => {
  it('keep their values (ids already handed to receivers, log entries, keys in Redis)', () => {
    const sha = (s: string, enc: 'hex' | 'base64url') => createHash('sha256').update(s, 'utf8').digest(enc);
    const ref = { mailbox: 'INBOX', uidValidity: '7', uid: 42 };
    expect(webhookId(ref, 'https://example.org/hook')).toBe(`msg_${sha('INBOX.7.42\nhttps://example.org/hook', 'base64url').slice(0, 32)}`);
    expect(subjectHash('  Média Solution  ')).toBe(sha('Média Solution', 'hex').slice(0, 12));
    for (const url of ['https://a.example/hook', 'https://b.example/hook', 'https://a.example/hook']) expect(endpointHash(url)).toBe(sha(url, 'hex').slice(0, 16));
  });
});

import { describe, expect, it } from '@jest/globals';
import type { WebhookPayloadData } from '@render-signal/contracts';
import { applyOffloadResults } from '../src/apply-offload-results.js';

const payload = {
  microsoft_graph_email_id: 'f'.repeat(32),
  subject: 's',
  receivedDateTime: 'd',
  sender_address: 'a@example.com',
  bodyPreview: '',
  email_content: '',
  sender_email: 'a@example.com',
  delivery_links: [
    { provider: 'dropbox', raw_url: 'https://www.dropbox.com/scl/fo/a?dl=0' },
    { provider: 'swisstransfer', raw_url: 'https://www.swisstransfer.com/d/b' },
  ],
} satisfies WebhookPayloadData;

describe('applyOffloadResults', () => {
  it('puts each copied link back at its index, whatever order the children finished in', () => {
    const copied = { provider: 'swisstransfer', raw_url: 'https://www.swisstransfer.com/d/b', direct_url: 'https://www.swisstransfer.com/d/b', r2_url: 'https://media.example.net/k' } as const;
    const { payload: merged, applied } = applyOffloadResults(payload, [{ index: 1, link: copied }]);
    expect(applied).toBe(1);
    expect(merged.delivery_links).toEqual([payload.delivery_links[0], copied]);
    expect(payload.delivery_links[1]).not.toHaveProperty('r2_url');
  });

  it('ignores results that are malformed, out of range or about another URL', () => {
    const results = [null, { index: 'x' }, { index: 9, link: payload.delivery_links[0] }, { index: 0, link: { provider: 'dropbox', raw_url: 'https://www.dropbox.com/other' } }];
    const { payload: merged, applied } = applyOffloadResults(payload, results);
    expect(applied).toBe(0);
    expect(merged.delivery_links).toEqual(payload.delivery_links);
  });

  it('leaves a payload without links as it is', () => {
    const { delivery_links: _, ...noLinks } = payload;
    expect(applyOffloadResults(noLinks, [{ index: 0, link: payload.delivery_links[0] }])).toEqual({ payload: noLinks, applied: 0 });
  });
});

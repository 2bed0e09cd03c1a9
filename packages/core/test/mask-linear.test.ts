import { describe, expect, it } from '@jest/globals';
import { decide, maskPersonalData, readEmailHeaders, type DecisionContext } from '../src/index.js';

// Long runs of address characters with no '@' (base64 inline images) once made masking rescan the
// run from every position. At this size that took minutes; Jest's default timeout fails the test.
const CAPPED: DecisionContext = {
  now: new Date('2026-01-13T09:15:00Z'),
  timezone: 'Europe/Paris',
  senderAllowlist: [],
  window: {},
  allowWithoutLinks: false,
  maskContent: true,
  contentMaxChars: 20_000,
};

describe('masking stays linear', () => {
  const base64Run = 'QUJD'.repeat(100_000);

  it('masks around a 400 KB base64 run without rescanning it', () => {
    const text = `${base64Run} écrire à jean.dupont@example.com ou au 01 99 00 12 34 ${base64Run}`;
    const masked = maskPersonalData(text);
    expect(masked).toContain('j***@example.com');
    expect(masked).toContain('** ** ** ** 34');
    expect(masked.length).toBe(text.length - 'jean.dupont'.length + 'j***'.length);
  });

  it('masks only what can leave: the content cap plus a margin', () => {
    const raw = Buffer.from(
      ['From: p@studio.example.com', 'Subject: Lot 1', 'Message-ID: <a@b>', '', 'https://www.dropbox.com/s/x/y.zip', base64Run, 'end: z.last@example.com'].join('\r\n'),
    );
    const decision = decide(readEmailHeaders(raw), { text: raw.toString('utf8').split('\r\n\r\n')[1]!, html: '' }, CAPPED);
    expect(decision.action).toBe('send');
    if (decision.action === 'send') expect([...decision.payload.email_content]).toHaveLength(20_000);
  });

  it('never leaves half an address unmasked at the cut', () => {
    const text = `${'a '.repeat(9_990)}jean.dupont@example.com`;
    const raw = Buffer.from(['From: p@studio.example.com', 'Subject: Lot 1', '', 'https://www.dropbox.com/s/x/y.zip', text].join('\r\n'));
    const decision = decide(readEmailHeaders(raw), { text: `https://www.dropbox.com/s/x/y.zip\r\n${text}`, html: '' }, CAPPED);
    expect(decision.action === 'send' && decision.payload.email_content).not.toMatch(/jean|dupont/);
  });
});

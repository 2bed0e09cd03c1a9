import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decide } from '../src/decide.js';
import { extractDeliveryLinks } from '../src/extract-delivery-links.js';
import { maskPersonalData } from '../src/mask-personal-data.js';
import { normalizeSourceUrl } from '../src/normalize-source-url.js';
import { readEmailHeaders } from '../src/read-email-headers.js';
import type { DecisionContext, EmailHeaders } from '../src/types.js';

const PROVIDER_HOSTS = new Set(['dropbox.com', 'fromsmash.com', 'swisstransfer.com', 'wetransfer.com', 'we.tl']);

// URL-ish text built from the pieces that make look-alike hosts, so the generator reaches the
// interesting cases far more often than random characters would.
const piece = fc.constantFrom(
  'https://', 'http://', 'HTTPS://', 'www.', 'dropbox.com', 'fromsmash.com', 'swisstransfer.com', 'wetransfer.com', 'we.tl',
  '.evil.example', '@', 'evil', ':', '443', '99999', '/', '\\', '?', '#', '&amp;', '&', '=', '.', ',', ')', "'", '"', ' ', '\r\n',
  '<', '>', '%2F', '%40', 'scl/fo/abc', 'x', '\u00a0', 'é', '[', ']', 'dl=0', 'raw=1', 'MS.png',
);
const urlish = fc.array(fc.oneof(piece, fc.string({ maxLength: 3 })), { maxLength: 25 }).map((a) => a.join(''));

describe('link extraction properties', () => {
  it('never returns a host outside the providers', () => {
    fc.assert(
      fc.property(urlish, (text) => {
        for (const link of extractDeliveryLinks(text)) {
          const host = new URL(link.raw_url).hostname.toLowerCase().replace(/^www\./, '');
          expect(PROVIDER_HOSTS.has(host)).toBe(true);
          expect(link.raw_url).not.toMatch(/[.,;:!?)\]'"]$/);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('finds a clean provider URL embedded in any text', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom('https://www.dropbox.com/s/abc/f.zip?dl=0', 'https://fromsmash.com/Lot-1', 'https://we.tl/t-abc'), fc.string(), (before, url, after) => {
        const links = extractDeliveryLinks(`${before} ${url} ${after}`);
        expect(links.map((l) => l.raw_url)).toContain(url);
      }),
    );
  });

  it('Dropbox normalisation never throws and always yields an https dl=1 URL', () => {
    fc.assert(
      fc.property(urlish, (s) => {
        const out = normalizeSourceUrl(`https://www.dropbox.com/${s}`, 'dropbox');
        expect(out.startsWith('https://')).toBe(true);
        expect(out).toContain('dl=1');
      }),
      { numRuns: 1000 },
    );
  });
});

const CTX: DecisionContext = {
  now: new Date('2026-01-13T09:15:00Z'),
  timezone: 'Europe/Paris',
  senderAllowlist: [],
  window: { start: '09h00', end: '19h00' },
  allowWithoutLinks: true,
  maskContent: true,
  contentMaxChars: 500,
};

describe('robustness', () => {
  const text = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), urlish);
  const headers = fc.record<EmailHeaders>({
    messageId: fc.string(),
    subject: text,
    date: fc.string(),
    from: fc.string(),
    senderEmail: fc.string(),
    emailId: fc.string(),
  });
  const ctx = fc.record({
    window: fc.record({ start: fc.option(fc.string(), { nil: undefined }), end: fc.option(fc.constantFrom('19h00', '9h', '', '23:59', 'x'), { nil: undefined }) }),
    timezone: fc.constantFrom('Europe/Paris', 'UTC', 'bogus/zone', ''),
    maskContent: fc.boolean(),
    allowWithoutLinks: fc.boolean(),
    contentMaxChars: fc.option(fc.nat(300), { nil: null }),
    now: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
  });

  it('decide never throws and a sent payload respects the caps', () => {
    fc.assert(
      fc.property(headers, text, text, ctx, (h, plain, html, c) => {
        const d = decide(h, { text: plain, html }, { ...CTX, ...c });
        if (d.action === 'send') {
          expect(Array.from(d.payload.bodyPreview).length).toBeLessThanOrEqual(200);
          if (c.contentMaxChars !== null) expect(Array.from(d.payload.email_content).length).toBeLessThanOrEqual(c.contentMaxChars);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('readEmailHeaders never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const h = readEmailHeaders(Buffer.from(bytes));
        expect(h.emailId).toMatch(/^[0-9a-f]{32}$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('readEmailHeaders never throws on header-shaped text', () => {
    const line = fc.tuple(fc.constantFrom('Subject', 'From', 'Date', 'Message-ID', 'subject', 'X'), fc.string({ unit: 'binary' }), fc.constantFrom('\r\n', '\n', '\r\n ', '\r\n\t'));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        const raw = `${lines.map(([k, v, eol]) => `${k}: ${v}${eol}`).join('')}\r\nbody`;
        expect(() => readEmailHeaders(Buffer.from(raw, 'utf8'))).not.toThrow();
      }),
      { numRuns: 1000 },
    );
  });

  it('maskPersonalData leaves no generated address intact', () => {
    fc.assert(
      fc.property(fc.string(), fc.emailAddress(), fc.string(), (a, email, b) => {
        expect(maskPersonalData(`${a} ${email} ${b}`)).not.toContain(` ${email} `);
      }),
      { numRuns: 1000 },
    );
  });
});

import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decide, maskPersonalData, normalizeSourceUrl, r2ObjectKey, readEmailHeaders } from '@render-signal/core';
import type { Decision, DecisionContext, SkipReason, WebhookPayload } from '@render-signal/core';
import { extractBodies } from '../src/body/index.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/emails');
const CAPS = { maxHtmlBytes: 1048576, maxTextBytes: 1048576 };

const PROFILE_A: DecisionContext = {
  now: new Date('2026-01-13T10:15:00+01:00'),
  timezone: 'Europe/Paris',
  senderAllowlist: [
    'planning@studio-lumiere.example.com',
    'b.vasseur@studio-lumiere.example.com',
    'o.ribaudier@studio-lumiere.example.com',
    'communication@studio-lumiere.example.com',
  ],
  window: { start: '09h00', end: '19h00' },
  allowWithoutLinks: false,
  maskContent: false,
  contentMaxChars: null,
};

// Profiles of fixtures/emails/README.md that decide() is responsible for. B/B2 (R2) only add keys
// to the links, which the offloader does; E (absence) stops the cycle before any email is read.
const PROFILES: Record<string, DecisionContext> = {
  'A-default': PROFILE_A,
  'B-r2-enabled': PROFILE_A,
  'B2-r2-worker-fails': PROFILE_A,
  'C-before-window': { ...PROFILE_A, now: new Date('2026-01-13T10:00:00+01:00'), window: { start: '12h00', end: '19h00' } },
  'F-after-window': { ...PROFILE_A, now: new Date('2026-01-13T20:30:00+01:00') },
  'D-allowlist-unwired': { ...PROFILE_A, senderAllowlist: [] },
};

interface Case {
  eml: string;
  profile: string;
  expected: string;
  outcome: 'sent' | 'skipped';
  worker_requests?: { json: { source_url: string; object_key: string; provider: string } }[];
}
const CASES = (JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;

// DECISIONS "Comparing with the fixtures"
const norm = (s: string): string => s.replace(/\r\n/g, '\n').replace(/\uFFFD/g, '');

function skipReasonOf(text: string): SkipReason {
  if (/allowlist/.test(text)) return 'sender_not_allowlisted';
  if (/reply\/forward/.test(text)) return 'reply_or_forward';
  if (/outside the webhook time window/.test(text)) return 'outside_window';
  if (/no supported delivery link/.test(text)) return 'no_delivery_links';
  throw new Error(`unmapped skip reason: ${text}`);
}

/** R2 keys belong to the offloader; decide() returns the links as the R2-off profile sees them. */
function withoutR2(expected: Record<string, unknown>): Record<string, unknown> {
  const links = expected.delivery_links as { provider: string; raw_url: string }[] | undefined;
  if (!links) return expected;
  return { ...expected, delivery_links: links.map(({ provider, raw_url }) => ({ provider, raw_url })) };
}

function expectMatchesFixture(actual: WebhookPayload, expected: Record<string, unknown>): void {
  const { bodyPreview, email_content, ...rest } = actual;
  const { bodyPreview: expPreview, email_content: expContent, ...expRest } = expected;
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  expect(rest).toEqual(expRest);
  expect(norm(bodyPreview).startsWith(norm(String(expPreview)))).toBe(true);
  if (typeof expContent === 'string') {
    expect(norm(email_content)).toBe(norm(expContent));
  } else {
    const d = (expContent as { $digest: Record<string, string | number> }).$digest;
    // The digest is of the original's exact string; our extraction keeps CR LF and drops invalid
    // bytes like the original, so the exact value is compared, not only its normalised form.
    expect(createHash('sha256').update(email_content, 'utf8').digest('hex')).toBe(d.sha256_of_utf8);
    expect(Array.from(email_content).length).toBe(d.length_code_points);
    expect(Buffer.byteLength(email_content, 'utf8')).toBe(d.length_utf8_bytes);
    expect(email_content.startsWith(String(d.starts_with))).toBe(true);
    expect(email_content.endsWith(String(d.ends_with))).toBe(true);
  }
}

let largeDir = '';
function emlPath(eml: string): string {
  return eml.startsWith('11-') ? join(largeDir, eml) : join(FIXTURES, eml);
}

async function run(eml: string, ctx: DecisionContext): Promise<Decision> {
  const source = readFileSync(emlPath(eml));
  return decide(readEmailHeaders(source), await extractBodies(source, CAPS), ctx);
}

function expectedFor(c: Case): Record<string, unknown> {
  // DECISIONS: a *.expected.render-signal.json beside the original's file overrides it. The R2
  // variants have none, and decide() output is R2-free, so they use the profile-A override.
  const base = c.profile.startsWith('B') ? c.eml.replace(/\.eml$/, '.expected.json') : c.expected;
  const override = base.replace(/\.json$/, '.render-signal.json');
  const file = existsSync(join(FIXTURES, override)) ? override : c.expected;
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Record<string, unknown>;
}

beforeAll(() => {
  largeDir = mkdtempSync(join(tmpdir(), 'render-signal-fixture-11-'));
  execFileSync(process.execPath, [join(FIXTURES, 'make-large.mjs'), join(largeDir, '11-large-html.eml')]);
});
afterAll(() => {
  if (largeDir) rmSync(largeDir, { recursive: true, force: true });
});

describe.each(CASES.filter((c) => c.profile in PROFILES).map((c) => [`${c.eml} / ${c.profile}`, c] as const))('%s', (_name, c) => {
  const ctx = PROFILES[c.profile] as DecisionContext;

  it(`is ${c.outcome} as expected`, async () => {
    const decision = await run(c.eml, ctx);
    const expected = expectedFor(c);
    if (expected.skipped === true) {
      expect(decision).toMatchObject({ action: 'skip', reason: skipReasonOf(String(expected.reason)) });
      return;
    }
    expect(decision.action).toBe('send');
    if (decision.action !== 'send') return;
    expectMatchesFixture(decision.payload, withoutR2(expected));
  });

  if (c.worker_requests?.length) {
    it('gives the Worker the original source URLs and object keys', async () => {
      const decision = await run(c.eml, ctx);
      if (decision.action !== 'send') throw new Error('expected a send');
      const links = decision.payload.delivery_links ?? [];
      const got = links
        .filter((l) => l.provider !== 'wetransfer') // not a provider of the original
        .map((l) => {
          const source_url = normalizeSourceUrl(l.raw_url, l.provider);
          return { source_url, object_key: r2ObjectKey(source_url, l.provider), provider: l.provider };
        });
      const want = (c.worker_requests ?? []).map(({ json }) => ({ source_url: json.source_url, object_key: json.object_key, provider: json.provider }));
      if (c.eml.startsWith('04-')) {
        // DECISIONS #14: the original's bogus "…Kx7Qp2." and "…1d05'" links are gone, so only the
        // clean URLs remain; each of them is still keyed exactly as the original keyed it.
        for (const g of got) expect(want).toContainEqual(g);
      } else {
        expect(got).toEqual(want);
      }
    });
  }
});

describe('ALLOW_CUSTOM_WEBHOOK_WITHOUT_LINKS=true (scenario 16)', () => {
  it('sends a linkless email without delivery_links and without a detector', async () => {
    // Fixture 09 has a WeTransfer link now (DECISIONS #15); strip it to get a linkless order.
    const source = readFileSync(join(FIXTURES, '09-no-link-skipped.eml'));
    const headers = readEmailHeaders(source);
    const body = await extractBodies(source, CAPS);
    const noLinks = { text: body.text.replace(/https:\/\/(?:we\.tl|wetransfer\.com)\S*/g, ''), html: body.html.replace(/https:\/\/(?:we\.tl|wetransfer\.com)[^"\s<]*/g, '') };
    const skipped = decide(headers, noLinks, PROFILE_A);
    expect(skipped).toMatchObject({ action: 'skip', reason: 'no_delivery_links' });
    const sent = decide(headers, noLinks, { ...PROFILE_A, allowWithoutLinks: true });
    expect(sent.action).toBe('send');
    if (sent.action !== 'send') return;
    expect(sent.payload.delivery_links).toBeUndefined();
    expect(sent.payload.detector).toBeUndefined();
  });
});

describe('URGENCE across midnight (scenario 4)', () => {
  it('fixture 03 at 23:30 Paris gives 00h30', async () => {
    const decision = await run('03-recadrage-urgence.eml', { ...PROFILE_A, now: new Date('2026-01-13T23:30:00+01:00'), window: {} });
    expect(decision.action).toBe('send');
    if (decision.action !== 'send') return;
    expect(decision.payload.delivery_time).toBe('00h30');
    expect(decision.payload.webhooks_time_start).toBeUndefined();
    expect(decision.payload.webhooks_time_end).toBeUndefined();
  });
});

describe('default privacy settings (maskContent true)', () => {
  const sentCases = CASES.filter((c) => c.profile === 'A-default' && c.outcome === 'sent' && !c.eml.startsWith('11-'));

  it.each(sentCases.map((c) => [c.eml, c] as const))('%s: same payload, masked content', async (_n, c) => {
    const plain = await run(c.eml, PROFILE_A);
    const masked = await run(c.eml, { ...PROFILE_A, maskContent: true });
    if (plain.action !== 'send' || masked.action !== 'send') throw new Error('expected a send');
    const { bodyPreview: p1, email_content: c1, ...rest1 } = plain.payload;
    const { bodyPreview: p2, email_content: c2, ...rest2 } = masked.payload;
    expect(rest2).toEqual(rest1);
    expect(Object.keys(masked.payload)).toEqual(Object.keys(plain.payload));
    expect(c2).toBe(maskPersonalData(c1));
    expect(p2).toBe(Array.from(c2).slice(0, 200).join(''));
    // no full address survives (the receiver still gets sender_address / sender_email)
    expect(c2).not.toMatch(/[A-Za-z0-9._%+-]{2,}@[a-z0-9-]+\.example\.(?:com|org|net)/);
    expect(c2).not.toMatch(/(?<![\w/])0\d(?:[ .]?\d\d){4}(?!\w)/);
    expect(p1.length).toBeGreaterThan(0);
  });

  it('fixture 03 shows its phone number masked down to the last two digits', async () => {
    const plain = await run('03-recadrage-urgence.eml', PROFILE_A);
    const masked = await run('03-recadrage-urgence.eml', { ...PROFILE_A, maskContent: true });
    if (plain.action !== 'send' || masked.action !== 'send') throw new Error('expected a send');
    expect(plain.payload.email_content).toContain('01 99 00 12 34');
    expect(masked.payload.email_content).not.toContain('01 99 00 12 34');
    expect(masked.payload.email_content).toContain('** ** ** ** 34');
  });

  it('masks an address in the body but never sender_address / sender_email', async () => {
    const source = readFileSync(join(FIXTURES, '01-recadrage-dropbox-11h51.eml'));
    const headers = readEmailHeaders(source);
    const body = await extractBodies(source, CAPS);
    const d = decide(headers, { ...body, text: `${body.text}\r\nContact : jeanne.martin@example.net` }, { ...PROFILE_A, maskContent: true });
    if (d.action !== 'send') throw new Error('expected a send');
    expect(d.payload.email_content).toContain('j***@example.net');
    expect(d.payload.email_content).not.toContain('jeanne.martin@');
    expect(d.payload.sender_address).toContain('b.vasseur@studio-lumiere.example.com');
    expect(d.payload.sender_email).toBe('b.vasseur@studio-lumiere.example.com');
  });

  it('caps email_content in code points and derives the preview from it', async () => {
    const d = await run('01-recadrage-dropbox-11h51.eml', { ...PROFILE_A, maskContent: true, contentMaxChars: 50 });
    if (d.action !== 'send') throw new Error('expected a send');
    expect(Array.from(d.payload.email_content)).toHaveLength(50);
    expect(d.payload.bodyPreview).toBe(d.payload.email_content);
  });
});

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { decide, readEmailHeaders } from '@render-signal/core';
import { extractBodies } from '../src/body/index.js';

const CORPUS = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/mime-corpus');
const FILES = readdirSync(CORPUS).filter((f) => f.endsWith('.eml'));
const CAPS = { maxHtmlBytes: 1048576, maxTextBytes: 1048576 };
const load = (f: string): Buffer => readFileSync(join(CORPUS, f));

describe('mime-corpus robustness', () => {
  it('has the corpus', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(FILES)('%s: headers, bodies and decision never throw', async (f) => {
    const source = load(f);
    const headers = readEmailHeaders(source);
    const body = await extractBodies(source, CAPS);
    expect(typeof body.text).toBe('string');
    expect(typeof body.html).toBe('string');
    expect(Buffer.byteLength(body.html)).toBeLessThanOrEqual(CAPS.maxHtmlBytes * 3); // decoded chars ≤ 3 UTF-8 bytes per source byte
    expect(body.text).not.toContain('\uFFFD');
    const d = decide(headers, body, {
      now: new Date('2026-01-13T09:15:00Z'),
      timezone: 'Europe/Paris',
      senderAllowlist: [],
      window: {},
      allowWithoutLinks: true,
      maskContent: true,
      contentMaxChars: 20000,
    });
    expect(['send', 'skip']).toContain(d.action);
  });
});

// sha256 (first 16 hex) of the text and HTML that Python 3.11's email package gives for each
// file with the original's §4.2 walk (compat32 parse, get_payload(decode=True), errors='ignore',
// 1 MiB HTML cap), except that an unknown charset decodes as UTF-8 instead of aborting
// (DECISIONS #12). Computed once with CPython 3.11.7; text caps are off here.
const PYTHON_DIGESTS: [string, string, string][] = [
  ['enmime_mail-erroneous.eml', '659321554ff23b77', 'e3b0c44298fc1c14'],
  ['enmime_mail-multipart-wo-boundary.eml', '74eb183368cf4806', 'e3b0c44298fc1c14'],
  ['enmime_mail-non-mime-html-charset-header-only.eml', 'e3b0c44298fc1c14', '359a525eae3eecda'],
  ['enmime_parts-badboundary.eml', '00a5359d68146fd3', 'd82863064c08a576'],
  ['enmime_parts-chardet-success-iso-8859-1.eml', '9f65274649a63eba', 'e3b0c44298fc1c14'],
  ['enmime_parts-ctype-invalid-characters.eml', '896a4cdbe337adf5', 'e3b0c44298fc1c14'],
  ['enmime_parts-extra-base64-character.eml', 'd3bf493c214e07a3', '0ea6fd2e04e48505'],
  ['enmime_parts-html-with-boundary.eml', 'e3b0c44298fc1c14', '6a79d171d57f5caa'],
  ['enmime_parts-malformed-content-type-params.eml', 'e3b0c44298fc1c14', 'e3b0c44298fc1c14'],
  ['enmime_parts-missing-closing-param-quote.eml', 'e3b0c44298fc1c14', 'e3b0c44298fc1c14'],
  ['enmime_parts-missing-ctype-root.eml', '6e9a9bfb79a20187', 'e3b0c44298fc1c14'],
  ['enmime_parts-multimixed-no-closing-boundary.eml', 'e3b0c44298fc1c14', '0f9cbabef8b38b6b'],
  ['enmime_parts-quoted-printable-invalid.eml', 'ec274c078fa78d79', 'e3b0c44298fc1c14'],
  ['enmime_parts-similar-boundary.eml', '37c4a26b0132b73b', 'd82863064c08a576'],
  ['mailparser_base64encodedroot.eml', '77902436155bf927', 'e3b0c44298fc1c14'],
  ['mailparser_decoderended.eml', '5aec58d2faa54c23', '093b3cb798147ebf'],
  ['mailparser_delivery-status.eml', 'b3e97342e24519bc', 'dcf33c65ea2bd08f'],
  ['mailparser_htmllargecallstack.eml', 'e3b0c44298fc1c14', '5b6ab0b87808e9f9'],
  ['mailparser_mixed.eml', 'c11c1be9dc0ed66e', 'b7523ee808d8915d'],
  ['mailparser_nested.eml', '9523ae86b4cc3525', 'c5b2d5fcfc24409a'],
  ['mailparser_outofmemory.eml', 'e3b0c44298fc1c14', '13ed36e66a859390'],
  ['mikel-mail_bad_encoded_subject.eml', 'ab97320113e5e735', 'e3b0c44298fc1c14'],
  ['mikel-mail_email_with_similar_boundaries.eml', '7dd91e07f0341646', '128b9e556fd3992f'],
  ['mikel-mail_ks_c_5601-1987.eml', '31044272394db87f', 'e3b0c44298fc1c14'],
  ['mikel-mail_raw_email_quoted_with_0d0a.eml', 'a504a35bf261b28c', 'e3b0c44298fc1c14'],
  ['mikel-mail_utf8_headers.eml', '0a4e52a113565294', 'e3b0c44298fc1c14'],
  ['mime4j_bad-newlines-multiple-parts.eml', 'a0e6c3023a9fa426', 'e3b0c44298fc1c14'],
  ['mime4j_base64encoded-rfc822message-nested.eml', '1bc1304c9aca808a', 'e3b0c44298fc1c14'],
  ['mime4j_basic-plain-very-long-lines.eml', '373013ba90e3c556', 'e3b0c44298fc1c14'],
  ['mime4j_basic-plain-with-bad-header-separator.eml', 'd77d90b31ad7b786', 'e3b0c44298fc1c14'],
  ['mime4j_boundary-name-clash.eml', 'a58e35dcb10e9f10', 'c743fcb6cd64c31f'],
  ['mime4j_malformedHeader-nocrlfcrlf.eml', '06bdbe44905119ee', 'e3b0c44298fc1c14'],
  ['mime4j_misplaced-boundary.eml', '8ce0d48d4073ef7e', 'e3b0c44298fc1c14'],
  ['mime4j_missing-boundary.eml', 'f2477a7aae424eee', 'e3b0c44298fc1c14'],
  ['mime4j_missing-inner-boundary.eml', 'e3897d8f081b1906', 'e3b0c44298fc1c14'],
  ['mime4j_obsolete.eml', '70944d87c489e3d7', 'e3b0c44298fc1c14'],
  ['mime4j_russian-headers.eml', 'd22d198f08cb89cc', 'e3b0c44298fc1c14'],
  ['mime4j_very-very-long-boundary.eml', 'b6cd63edf1511ac7', 'e3b0c44298fc1c14'],
  ['mime4j_weird-boundary.eml', 'ec4203505b4bd0ea', 'e3b0c44298fc1c14'],
  ['postal-mime_arf.eml', '1046de1d9fa83dd2', 'e3b0c44298fc1c14'],
];

const digest = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex').slice(0, 16);

describe('mime-corpus: same bodies as the original', () => {
  it.each(PYTHON_DIGESTS)('%s', async (f, text, html) => {
    const b = await extractBodies(load(f), { maxHtmlBytes: 1048576, maxTextBytes: 1 << 30 });
    expect([digest(b.text), digest(b.html)]).toEqual([text, html]);
  });
});

describe('mime-corpus specifics', () => {
  it('a single-part base64 PNG root is read as text, as the original did', async () => {
    const b = await extractBodies(load('mailparser_base64encodedroot.eml'), CAPS);
    expect(b.text.length).toBeGreaterThan(0);
    expect(b.html).toBe('');
  });

  it('caps a >1 MiB single-part HTML root', async () => {
    const b = await extractBodies(load('mailparser_outofmemory.eml'), CAPS);
    expect(b.htmlTruncated).toBe(true);
    expect(Buffer.byteLength(b.html, 'latin1')).toBeLessThanOrEqual(CAPS.maxHtmlBytes);
  });

  it('a raw UTF-8 From (crashed the original) gives a lower-cased sender', () => {
    const h = readEmailHeaders(load('mikel-mail_utf8_headers.eml'));
    expect(h.from.length).toBeGreaterThan(0);
    expect(h.senderEmail).toBe(h.senderEmail.toLowerCase());
  });

  it('a message without From/Subject/Date/Message-ID gets md5("||")', () => {
    expect(readEmailHeaders(load('mailparser_nested.eml')).emailId).toBe(createHash('md5').update('||').digest('hex'));
  });

  it('a header line without a colon starts the body, as in Python', async () => {
    const b = await extractBodies(load('mime4j_malformedHeader-nocrlfcrlf.eml'), CAPS);
    expect(b.text.length).toBeGreaterThan(0);
  });

  it('a base64 message/rfc822 is parsed from its raw bytes, as the original did', async () => {
    const b = await extractBodies(load('mime4j_base64encoded-rfc822message-nested.eml'), CAPS);
    expect(b.text.startsWith('TUlNRS1W')).toBe(true);
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { decodeSubject } from '../src/decode-subject.js';
import { readEmailHeaders } from '../src/read-email-headers.js';
import { extractSenderEmail } from '../src/sender-address.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const FIXTURES = join(ROOT, 'fixtures/emails');

describe('readEmailHeaders against every fixture', () => {
  const emls = readdirSync(FIXTURES).filter((f) => f.endsWith('.eml'));
  it.each(emls)('%s: id, subject, raw Date and From as the original', (eml) => {
    const expected = JSON.parse(readFileSync(join(FIXTURES, eml.replace(/\.eml$/, '.expected.json')), 'utf8')) as Record<string, string>;
    if (!expected.microsoft_graph_email_id) return; // skipped cases carry no payload
    const h = readEmailHeaders(readFileSync(join(FIXTURES, eml)));
    expect(h.emailId).toBe(expected.microsoft_graph_email_id);
    expect(h.subject).toBe(expected.subject);
    expect(h.date).toBe(expected.receivedDateTime);
    expect(h.from).toBe(expected.sender_address);
    expect(h.senderEmail).toBe(expected.sender_email);
  });

  it('keeps the fold of fixture 13 in the subject and of fixture 12 in the Date', () => {
    const h13 = readEmailHeaders(readFileSync(join(FIXTURES, '13-newsletter-nonmatching.eml')));
    expect(h13.subject).toContain('\r\n ');
    const h12 = readEmailHeaders(readFileSync(join(FIXTURES, '12-malformed-mime.eml')));
    expect(h12.date).toBe('Tue, 13 Jan 2026\r\n 10:02:40 +0100');
    expect(h12.messageId).toBe('');
  });
});

// md5 ids the original's code gives for the MIME corpus (CPython 3.11.7 email package, compat32,
// decode_header + the original's joining): folds, 8-bit values and odd encoded words included.
const CORPUS_IDS: [string, string][] = [
  ['enmime_mail-erroneous.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['enmime_mail-multipart-wo-boundary.eml', 'f80b31b9b684f4e606dd4fc6e7352c1e'],
  ['enmime_mail-non-mime-html-charset-header-only.eml', 'c70e289740cca4f99921067d07e74f56'],
  ['enmime_parts-badboundary.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['enmime_parts-chardet-success-iso-8859-1.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['enmime_parts-ctype-invalid-characters.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['enmime_parts-extra-base64-character.eml', '34f8e05de296f8c9e3e74443c9d6dda6'],
  ['enmime_parts-html-with-boundary.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['enmime_parts-malformed-content-type-params.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['enmime_parts-missing-closing-param-quote.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['enmime_parts-missing-ctype-root.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['enmime_parts-multimixed-no-closing-boundary.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['enmime_parts-quoted-printable-invalid.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['enmime_parts-similar-boundary.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['mailparser_base64encodedroot.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['mailparser_decoderended.eml', '195d01cbe3ea9f7c52e4e1495d727345'],
  ['mailparser_delivery-status.eml', '5620da8ff82bc2b09d30def2e9500267'],
  ['mailparser_htmllargecallstack.eml', '17e3873fc93aeef572659f1e80cc6502'],
  ['mailparser_mixed.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['mailparser_nested.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['mailparser_outofmemory.eml', 'ad4ad911de2d78e5aa08533f39a0857c'],
  ['mikel-mail_bad_encoded_subject.eml', '7bd6d727ca2a909fa2fe06d0293036bf'],
  ['mikel-mail_email_with_similar_boundaries.eml', '6bd99b84978378fd3daefeeb42efab11'],
  ['mikel-mail_ks_c_5601-1987.eml', '059ee1763977996dafaf45c9cf4caba5'],
  ['mikel-mail_raw_email_quoted_with_0d0a.eml', 'd4e0f0ac8a0a6b679a1c5ab779a4ae4e'],
  ['mikel-mail_utf8_headers.eml', 'ca8bd51ed1f7d1c82ffc170dd5a3bc9a'],
  ['mime4j_bad-newlines-multiple-parts.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['mime4j_base64encoded-rfc822message-nested.eml', '07e55384c6ce1abb69e7678344c7e79b'],
  ['mime4j_basic-plain-very-long-lines.eml', '8b3efd6f1549fe9cbd26a899540f46d8'],
  ['mime4j_basic-plain-with-bad-header-separator.eml', 'a46979d8a47a0580743bc18920cc62a3'],
  ['mime4j_boundary-name-clash.eml', 'a119c68217b9c03becae7b1fe4d205dd'],
  ['mime4j_malformedHeader-nocrlfcrlf.eml', '69d315db0c590d268b905dd6c36a1430'],
  ['mime4j_misplaced-boundary.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['mime4j_missing-boundary.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['mime4j_missing-inner-boundary.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['mime4j_obsolete.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['mime4j_russian-headers.eml', 'f80b25c98da405f36a1fdfac0d4cf5c1'],
  ['mime4j_very-very-long-boundary.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['mime4j_weird-boundary.eml', '7d010443693eec253a121e2aa2ba177c'],
  ['postal-mime_arf.eml', 'e1577d4861869046119dcda1673ae5ed'],
];

describe('readEmailHeaders against the MIME corpus', () => {
  it.each(CORPUS_IDS)('%s', (f, id) => {
    expect(readEmailHeaders(readFileSync(join(ROOT, 'fixtures/mime-corpus', f))).emailId).toBe(id);
  });
});

describe('readEmailHeaders never throws', () => {
  it.each([
    ['empty', Buffer.alloc(0)],
    ['no separator', Buffer.from('garbage without colon')],
    ['raw 8-bit From (crashed the original)', Buffer.from('From: \u00c9quipe <\u00e9quipe@exemple.example>\r\nSubject: Caf\u00e9\r\n\r\nbody', 'utf8')],
    ['latin-1 bytes', Buffer.from('From: M\xe9dia <a@b.example>\r\nSubject: M\xe9dia\r\n\r\n', 'latin1')],
    ['continuation first', Buffer.from(' folded\r\nSubject: x\r\n\r\n')],
  ])('%s', (_n, buf) => {
    expect(() => readEmailHeaders(buf)).not.toThrow();
  });

  it('decodes a raw UTF-8 From best-effort', () => {
    const h = readEmailHeaders(Buffer.from('From: \u00c9quipe <Equipe@Exemple.example>\r\n\r\n', 'utf8'));
    expect(h.from).toBe('\u00c9quipe <Equipe@Exemple.example>');
    expect(h.senderEmail).toBe('equipe@exemple.example');
  });

  it('reads a raw Latin-1 subject like the original (accents lost)', () => {
    expect(readEmailHeaders(Buffer.from('Subject: M\xe9dia\r\n\r\n', 'latin1')).subject).toBe('Mdia');
  });

  it('uses the first occurrence, skips an mbox From_ line and matches names case-insensitively', () => {
    const h = readEmailHeaders(Buffer.from('From sender Tue Jan 13\r\nsubject: one\r\nSubject: two\r\n\r\n'));
    expect(h.subject).toBe('one');
  });
});

describe('Python decode_header semantics', () => {
  it('drops the fold whitespace before an encoded word on the next line', () => {
    expect(decodeSubject('studio -\r\n =?UTF-8?Q?=C3=A9dition?= de')).toBe('studio -édition de');
  });
  it('keeps spaces before an encoded word on the same line', () => {
    expect(decodeSubject('RE: =?UTF-8?Q?M=C3=A9dia?= x')).toBe('RE: Média x');
  });
  it('joins adjacent encoded words', () => {
    expect(decodeSubject('=?UTF-8?Q?a?= =?UTF-8?Q?b?=')).toBe('ab');
  });
  it('strips each line start and joins consecutive unencoded lines with a space', () => {
    // Python: [(b'a', 'utf-8'), (b'b c', None)]; the fold before "b" is lost
    expect(decodeSubject('=?UTF-8?Q?a?=\r\n b\r\n c')).toBe('ab c');
  });
  it('keeps a subject without encoded words verbatim', () => {
    expect(decodeSubject('a,\r\n b')).toBe('a,\r\n b');
  });
  it('decodes B words with missing padding and unknown charsets best-effort', () => {
    expect(decodeSubject('=?utf-8?B?w6k?=')).toBe('é');
    expect(decodeSubject('=?NONE?B?VEVTVA=?=')).toBe('TEST');
    expect(decodeSubject('=?iso-8859-1?Q?M=E9dia?=')).toBe('Média');
  });
});

describe('sender address', () => {
  it.each([
    ['"A" <B.Vasseur@Example.com>', 'b.vasseur@example.com'],
    ['plain@example.com', 'plain@example.com'],
    ['Nobody', ''],
    ['', ''],
  ])('%s → %s', (from, want) => {
    expect(extractSenderEmail(from)).toBe(want);
  });
});

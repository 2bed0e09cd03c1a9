import { decodeBytes } from './decode-charset.js';

// A faithful port of Python 3.11 email.header.decode_header plus the original's joining loop
// (§4.1). libmime's decodeWords keeps folding whitespace and spaces that Python drops, and the
// decoded subject feeds the email id hash, so the exact Python rules are reproduced here.

const ENCODED_WORD = /=\?([^?]*?)\?([qQbB])\?(.*?)\?=/g;
// `.` in Python does not cross a newline either, so the search is line-bound as well
const HAS_ENCODED_WORD = /=\?([^?]*?)\?([qQbB])\?(.*?)\?=/;
// str.splitlines() boundaries
const SPLITLINES = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

type Word = { text: string; encoding: 'q' | 'b' | null; charset: string | null };

function pyLstrip(s: string): string {
  return s.replace(/^[\s\x1c-\x1f\x85]+/u, '');
}

function isPySpaceOnly(s: string): boolean {
  return s.length > 0 && /^[\s\x1c-\x1f\x85]+$/u.test(s);
}

/** email.quoprimime.header_decode, result as bytes (one byte per char, like raw-unicode-escape of latin-1 text). */
function qDecode(s: string): Uint8Array {
  const replaced = s.replace(/_/g, ' ').replace(/=([a-fA-F0-9]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return latin1Bytes(replaced);
}

function bDecode(s: string): Uint8Array {
  const pad = s.length % 4;
  const padded = pad ? s + '==='.slice(0, 4 - pad) : s;
  // binascii.a2b_base64 (non-strict) discards characters outside the alphabet, as Buffer does.
  return Buffer.from(padded, 'base64');
}

function latin1Bytes(s: string): Uint8Array {
  // bytes(word, 'raw-unicode-escape'): chars above U+00FF cannot occur here (the header is ASCII).
  return Buffer.from(s, 'latin1');
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  return Buffer.concat([a, b]);
}

export type DecodedChunk = { bytes: Uint8Array; charset: string | null } | { text: string; charset: null };

/** email.header.decode_header for a str header value. */
export function pythonDecodeHeader(header: string): DecodedChunk[] {
  if (!HAS_ENCODED_WORD.test(header)) return [{ text: header, charset: null }];

  const words: Word[] = [];
  for (const line of header.split(SPLITLINES)) {
    const parts: string[] = [];
    let last = 0;
    for (const m of line.matchAll(ENCODED_WORD)) {
      parts.push(line.slice(last, m.index), m[1] ?? '', m[2] ?? '', m[3] ?? '');
      last = m.index + m[0].length;
    }
    parts.push(line.slice(last));
    let first = true;
    while (parts.length > 0) {
      let unencoded = parts.shift() ?? '';
      if (first) {
        unencoded = pyLstrip(unencoded);
        first = false;
      }
      if (unencoded) words.push({ text: unencoded, encoding: null, charset: null });
      if (parts.length > 0) {
        const charset = (parts.shift() ?? '').toLowerCase();
        const encoding = (parts.shift() ?? '').toLowerCase() as 'q' | 'b';
        const encoded = parts.shift() ?? '';
        words.push({ text: encoded, encoding, charset });
      }
    }
  }

  // whitespace-only words between two encoded words disappear (RFC 2047 §6.2)
  const drop = new Set<number>();
  words.forEach((w, n) => {
    const prev = words[n - 1];
    const prev2 = words[n - 2];
    if (n > 1 && w.encoding && prev2?.encoding && prev && isPySpaceOnly(prev.text)) drop.add(n - 1);
  });
  const kept = words.filter((_w, i) => !drop.has(i));

  const decoded = kept.map((w) => ({
    bytes: w.encoding === 'q' ? qDecode(w.text) : w.encoding === 'b' ? bDecode(w.text) : latin1Bytes(w.text),
    charset: w.charset,
  }));

  const collapsed: { bytes: Uint8Array; charset: string | null }[] = [];
  let lastWord: Uint8Array | null = null;
  let lastCharset: string | null = null;
  for (const { bytes, charset } of decoded) {
    if (lastWord === null) {
      lastWord = bytes;
      lastCharset = charset;
    } else if (charset !== lastCharset) {
      collapsed.push({ bytes: lastWord, charset: lastCharset });
      lastWord = bytes;
      lastCharset = charset;
    } else if (lastCharset === null) {
      lastWord = concat(concat(lastWord, Buffer.from(' ')), bytes);
    } else {
      lastWord = concat(lastWord, bytes);
    }
  }
  collapsed.push({ bytes: lastWord ?? new Uint8Array(), charset: lastCharset });
  return collapsed;
}

/**
 * Decoded subject (§4.1). `raw` is the compat32 header value; `has8bit` marks a raw 8-bit value,
 * which Python wraps in an unknown-8bit Header whose bytes are decoded as UTF-8 ignoring errors
 * without any RFC 2047 decoding.
 */
export function decodeSubject(raw: string, has8bit = false): string {
  if (has8bit) return decodeBytes(Buffer.from(raw, 'latin1'), 'utf-8');
  let out = '';
  for (const chunk of pythonDecodeHeader(raw)) {
    if ('text' in chunk) out += chunk.text;
    else out += decodeBytes(chunk.bytes, chunk.charset ?? 'utf-8');
  }
  return out;
}

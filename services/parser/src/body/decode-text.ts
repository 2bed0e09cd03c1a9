import { libmime } from './mime-deps.js';

const ASCII_LABELS = new Set(['us-ascii', 'ascii', 'us', '646', 'ansi_x3.4-1968', 'iso646-us', 'cp367', 'ibm367', 'iso-ir-6']);

// Some decoders (UTF-16, ISO-2022-JP) hand back lone surrogates where Python drops the bytes; a
// lone surrogate also makes the JSON payload unreadable for PHP's json_decode.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Charset decoding with Python's errors='ignore' outcome: libmime falls back to UTF-8 for an
 * unknown charset instead of aborting the whole extraction (DECISIONS #12), and replacement
 * characters and lone surrogates for invalid bytes are dropped as the original dropped the bytes.
 */
export function decodeText(bytes: Buffer, charset: string | undefined): string {
  if (charset && ASCII_LABELS.has(charset.trim().toLowerCase())) {
    // Python's ascii codec with errors='ignore' drops every 8-bit byte of a mislabelled body;
    // libmime would read it as UTF-8. The original's text is kept.
    return Buffer.from(bytes.filter((b) => b < 0x80)).toString('latin1');
  }
  try {
    return libmime.decode(bytes, charset || 'utf-8').replace(/\uFFFD/g, '').replace(LONE_SURROGATE, '');
  } catch {
    return bytes.toString('utf8').replace(/\uFFFD/g, '');
  }
}

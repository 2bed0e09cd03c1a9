import { decodeText } from './decode-text.js';
import { libmime } from './mime-deps.js';
import { pythonTransferDecodeHead } from './python-transfer-decode.js';

function canonicalCharset(charset: string | undefined): string {
  try {
    return libmime.normalizeCharset(charset || 'utf-8').toUpperCase();
  } catch {
    return 'UTF-8';
  }
}

/** Largest prefix of at most `limit` bytes that does not split a character of `charset`. */
function cutOnCharBoundary(bytes: Buffer, limit: number, charset: string): Buffer {
  if (bytes.length <= limit) return bytes;
  let end = Math.max(0, limit);
  if (charset === 'UTF-8') {
    // step back over continuation bytes to the start of the split sequence
    while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  } else if (/^UTF-16/i.test(charset)) {
    end -= end % 2;
    const hi = charset.toUpperCase().endsWith('LE') ? bytes[end - 1] : bytes[end - 2];
    if (end >= 2 && hi !== undefined && hi >= 0xd8 && hi <= 0xdb) end -= 2; // lone high surrogate
  }
  // Other multi-byte charsets: a split tail decodes to U+FFFD, which decodeText removes.
  return bytes.subarray(0, end);
}

/**
 * Decoded parts of one kind (text or HTML) under a cap in decoded bytes summed over the parts: the
 * part that crosses the cap is cut, later parts are dropped, as in the original (§4.2).
 */
export class CappedSink {
  private used = 0;
  truncated = false;
  readonly parts: string[] = [];
  constructor(private readonly max: number) {}

  /** Adds a part given as it stands in the message; only the head the cap keeps is decoded. */
  add(raw: Buffer, encoding: string | false, charset: string | undefined): void {
    const remaining = this.max - this.used;
    if (remaining <= 0) {
      if (pythonTransferDecodeHead(encoding, raw, 0).total > 0) this.truncated = true;
      return;
    }
    // cutOnCharBoundary looks at the byte just past the cap; a cap that is not a finite number
    // (NaN, Infinity) never cuts, so the whole part is needed.
    const room = Number.isFinite(remaining) ? Math.floor(remaining) + 2 : Infinity;
    const { head, total } = pythonTransferDecodeHead(encoding, raw, room);
    let kept = head;
    if (total > remaining) {
      kept = cutOnCharBoundary(head, remaining, canonicalCharset(charset));
      this.truncated = true;
      // the rest of the budget is spent: later parts are dropped, as in the original
      this.used = this.max;
    } else {
      this.used += total;
    }
    this.parts.push(decodeText(kept, charset));
  }
}

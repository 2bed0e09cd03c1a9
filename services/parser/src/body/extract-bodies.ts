import type { SplitChunk, SplitNode } from './mime-deps.js';
import { Splitter, libmime } from './mime-deps.js';

export interface BodyCaps {
  maxHtmlBytes: number;
  maxTextBytes: number;
}

export interface ExtractedBodies {
  text: string;
  html: string;
  htmlTruncated: boolean;
  textTruncated: boolean;
}

interface Leaf {
  contentType: string;
  charset: string | undefined;
  attachment: boolean;
  decoded: Buffer;
}

// An attached message inside an attached message inside … is followed this deep, then ignored.
const MAX_NESTING = 8;

/** Splits one RFC 822 message into transfer-decoded leaves, in document order. Never rejects. */
async function splitLeaves(source: Buffer): Promise<{ leaves: Leaf[]; rootMultipart: boolean; failed: boolean }> {
  // ignoreEmbedded: every message/rfc822 stays a leaf and is parsed recursively below, whatever its
  // disposition or transfer encoding, as Python's walk() descends into all of them (§4.2).
  const splitter = new Splitter({ ignoreEmbedded: true });
  const order: SplitNode[] = [];
  const bodies = new Map<SplitNode, Buffer[]>();
  const done = new Promise<boolean>((resolve) => {
    splitter.on('data', (chunk: SplitChunk) => {
      if (chunk.type === 'node') {
        order.push(chunk);
        bodies.set(chunk, []);
      } else if (chunk.type === 'body') {
        bodies.get(chunk.node)?.push(chunk.value);
      }
    });
    splitter.on('end', () => resolve(false));
    splitter.on('error', () => resolve(true));
  });
  splitter.end(source);
  const failed = await done;

  const leaves: Leaf[] = [];
  for (const node of order) {
    if (node.multipart) continue;
    const raw = Buffer.concat(bodies.get(node) ?? []);
    leaves.push({
      contentType: contentTypeOf(node),
      charset: node.charset || undefined,
      attachment: dispositionSaysAttachment(node),
      decoded: await transferDecode(node, raw),
    });
  }
  return { leaves, rootMultipart: Boolean(order[0]?.multipart), failed };
}

/** Python's get_content_type(): a missing or malformed type is text/plain (message/rfc822 in a digest). */
function contentTypeOf(node: SplitNode): string {
  const headers = node.headers;
  const declared = headers ? headers.get('Content-Type').length > 0 : false;
  if (!declared) {
    const parent = node.parentNode;
    return parent && parent.multipart === 'digest' ? 'message/rfc822' : 'text/plain';
  }
  const ct = (node.contentType || '').toLowerCase();
  return ct.split('/').length === 2 ? ct : 'text/plain';
}

// The original tests the raw header with a case-sensitive substring test; kept so that the same
// parts count as attachments.
function dispositionSaysAttachment(node: SplitNode): boolean {
  if (!node.headers) return false;
  return node.headers.get('Content-Disposition').some((line) => line.includes('attachment'));
}

async function transferDecode(node: SplitNode, raw: Buffer): Promise<Buffer> {
  try {
    const decoder = node.getDecoder();
    const out: Buffer[] = [];
    const finished = new Promise<void>((resolve, reject) => {
      decoder.on('data', (b: Buffer) => out.push(b));
      decoder.on('end', () => resolve());
      decoder.on('error', reject);
    });
    decoder.end(raw);
    await finished;
    return Buffer.concat(out);
  } catch {
    // Base64 garbage or similar: Python hands back what it could, so do we (§4.2).
    return raw;
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
 * Charset decoding with Python's errors='ignore' outcome: libmime falls back to UTF-8 for an
 * unknown charset instead of aborting the whole extraction (DECISIONS #12), and replacement
 * characters for invalid bytes are dropped as the original dropped the bytes.
 */
function decodeText(bytes: Buffer, charset: string | undefined): string {
  try {
    return libmime.decode(bytes, charset || 'utf-8').replace(/\uFFFD/g, '');
  } catch {
    return bytes.toString('utf8').replace(/\uFFFD/g, '');
  }
}

function canonicalCharset(charset: string | undefined): string {
  try {
    return libmime.normalizeCharset(charset || 'utf-8').toUpperCase();
  } catch {
    return 'UTF-8';
  }
}

class CappedSink {
  private used = 0;
  truncated = false;
  readonly parts: string[] = [];
  constructor(private readonly max: number) {}

  add(bytes: Buffer, charset: string | undefined): void {
    const remaining = this.max - this.used;
    if (remaining <= 0) {
      if (bytes.length > 0) this.truncated = true;
      return;
    }
    let kept = bytes;
    if (bytes.length > remaining) {
      kept = cutOnCharBoundary(bytes, remaining, canonicalCharset(charset));
      this.truncated = true;
      // the rest of the budget is spent: later parts are dropped, as in the original
      this.used = this.max;
    } else {
      this.used += bytes.length;
    }
    this.parts.push(decodeText(kept, charset));
  }
}

async function walk(source: Buffer, depth: number, text: CappedSink, html: CappedSink): Promise<void> {
  const { leaves, rootMultipart, failed } = await splitLeaves(source);
  if (failed && leaves.length === 0) {
    // Headers the splitter refused (too large, too many parts): keep the body as text rather
    // than dropping the email; Python's parser never gives up either.
    const sep = source.indexOf('\r\n\r\n');
    const body = sep >= 0 ? source.subarray(sep + 4) : source;
    text.add(body, 'utf-8');
    return;
  }
  const single = !rootMultipart && leaves.length === 1;
  for (const leaf of leaves) {
    if (leaf.contentType === 'message/rfc822') {
      if (depth < MAX_NESTING) await walk(leaf.decoded, depth + 1, text, html);
      continue;
    }
    if (single) {
      // A single-part message: HTML is HTML, every other type is read as text (§4.2).
      if (leaf.contentType === 'text/html') html.add(leaf.decoded, leaf.charset);
      else text.add(leaf.decoded, leaf.charset);
      continue;
    }
    if (leaf.attachment) continue;
    if (leaf.contentType === 'text/plain') text.add(leaf.decoded, leaf.charset);
    else if (leaf.contentType === 'text/html') html.add(leaf.decoded, leaf.charset);
  }
}

/**
 * Plain and HTML bodies of a raw message as the original reads them (§4.2): every text/plain part
 * (also inside attached messages, but not parts marked as attachments) glued without a separator,
 * the HTML parts capped in decoded bytes. Both caps cut on a character boundary (DECISIONS #31).
 * Never throws: whatever could be read is returned.
 */
export async function extractBodies(source: Buffer, opts: BodyCaps): Promise<ExtractedBodies> {
  const text = new CappedSink(opts.maxTextBytes);
  const html = new CappedSink(opts.maxHtmlBytes);
  try {
    await walk(source, 0, text, html);
  } catch {
    // keep what was gathered
  }
  return { text: text.parts.join(''), html: html.parts.join(''), htmlTruncated: html.truncated, textTruncated: text.truncated };
}

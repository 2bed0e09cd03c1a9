import type { SplitChunk, SplitNode } from './mime-deps.js';
import { Splitter, libmime } from './mime-deps.js';
import { withPythonHeaderEnd, withPythonPartHeaderEnds } from './python-header-end.js';
import { pythonTransferDecode } from './python-transfer-decode.js';

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
  /** Body as it stands in the message; Python parses an attached message from these bytes. */
  raw: Buffer;
}

// An attached message inside an attached message inside … is followed this deep, then ignored.
const MAX_NESTING = 8;

interface SplitResult {
  order: SplitNode[];
  bodies: Map<SplitNode, Buffer[]>;
  rootData: Buffer[];
  failed: boolean;
}

async function splitOnce(source: Buffer): Promise<SplitResult> {
  // ignoreEmbedded: every message/rfc822 stays a leaf and is parsed recursively below, whatever its
  // disposition, as Python's walk() descends into all of them (§4.2).
  const splitter = new Splitter({ ignoreEmbedded: true });
  const order: SplitNode[] = [];
  const bodies = new Map<SplitNode, Buffer[]>();
  const rootData: Buffer[] = [];
  const done = new Promise<boolean>((resolve) => {
    splitter.on('data', (chunk: SplitChunk) => {
      if (chunk.type === 'node') {
        order.push(chunk);
        bodies.set(chunk, []);
      } else if (chunk.type === 'body') {
        bodies.get(chunk.node)?.push(chunk.value);
      } else if (chunk.node === order[0]) {
        rootData.push(chunk.value);
      }
    });
    splitter.on('end', () => resolve(false));
    splitter.on('error', () => resolve(true));
  });
  splitter.end(source);
  return { order, bodies, rootData, failed: await done };
}

/** Splits one RFC 822 message into transfer-decoded leaves, in document order. Never rejects. */
async function splitLeaves(source: Buffer): Promise<{ leaves: Leaf[]; rootMultipart: boolean; failed: boolean }> {
  let prepared = withPythonHeaderEnd(source);
  let split = await splitOnce(prepared);
  // Second pass only when a part's header block holds a line Python reads as body.
  const boundaries = split.order.flatMap((n) => (n.multipart && n._boundary ? [n._boundary.toString('latin1')] : []));
  const adjusted = withPythonPartHeaderEnds(prepared, boundaries);
  if (adjusted !== prepared) {
    prepared = adjusted;
    split = await splitOnce(prepared);
  }
  const { order, bodies, rootData, failed } = split;

  const root = order[0];
  if (root?.multipart && order.length === 1) {
    // A multipart whose boundary is missing or never used: Python keeps the body as one string
    // payload, so the message is a single part of a non-HTML type and its body is read as text.
    const raw = Buffer.concat(rootData);
    return { leaves: [{ contentType: 'multipart/' + root.multipart, charset: root.charset || undefined, attachment: false, decoded: pythonTransferDecode(root.encoding, raw), raw }], rootMultipart: false, failed };
  }

  const leafNodes = order.filter((n) => !n.multipart);
  const last = leafNodes.at(-1);
  const leaves: Leaf[] = [];
  for (const node of leafNodes) {
    let raw: Buffer = Buffer.concat(bodies.get(node) ?? []);
    if (node === last && node.parentNode && !closeDelimiterSeen(prepared, node.parentNode)) {
      // Python ends a part cut off by the end of the input without its last line break.
      raw = stripOneLineBreak(raw);
    }
    leaves.push({
      contentType: contentTypeOf(node),
      charset: node.charset || undefined,
      attachment: dispositionSaysAttachment(node),
      decoded: pythonTransferDecode(node.encoding, raw),
      raw,
    });
  }
  return { leaves, rootMultipart: Boolean(root?.multipart), failed };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function closeDelimiterSeen(source: Buffer, multipart: SplitNode): boolean {
  const boundary = multipart._boundary;
  if (!boundary) return false;
  const re = new RegExp(`(?:^|[\\r\\n])--${escapeRegExp(boundary.toString('latin1'))}--[ \\t]*(?:[\\r\\n]|$)`);
  return re.test(source.toString('latin1'));
}

function stripOneLineBreak(raw: Buffer): Buffer {
  const n = raw.length;
  if (n >= 2 && raw[n - 2] === 0x0d && raw[n - 1] === 0x0a) return raw.subarray(0, n - 2);
  if (n >= 1 && (raw[n - 1] === 0x0a || raw[n - 1] === 0x0d)) return raw.subarray(0, n - 1);
  return raw;
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

const ASCII_LABELS = new Set(['us-ascii', 'ascii', 'us', '646', 'ansi_x3.4-1968', 'iso646-us', 'cp367', 'ibm367', 'iso-ir-6']);

/**
 * Charset decoding with Python's errors='ignore' outcome: libmime falls back to UTF-8 for an
 * unknown charset instead of aborting the whole extraction (DECISIONS #12), and replacement
 * characters for invalid bytes are dropped as the original dropped the bytes.
 */
function decodeText(bytes: Buffer, charset: string | undefined): string {
  if (charset && ASCII_LABELS.has(charset.trim().toLowerCase())) {
    // Python's ascii codec with errors='ignore' drops every 8-bit byte of a mislabelled body;
    // libmime would read it as UTF-8. The original's text is kept.
    return Buffer.from(bytes.filter((b) => b < 0x80)).toString('latin1');
  }
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
      // Parsed from the raw bytes, as Python's feedparser does: a transfer encoding on
      // message/rfc822 is illegal (RFC 2046), and the original never decoded one.
      if (depth < MAX_NESTING) await walk(leaf.raw, depth + 1, text, html);
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

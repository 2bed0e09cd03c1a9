import { CappedSink } from './capped-sink.js';
import { splitLeaves } from './split-leaves.js';

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

// An attached message inside an attached message inside … is followed this deep, then ignored.
const MAX_NESTING = 8;

/** The bytes after the first empty line, whichever line ending the message uses. */
function afterHeaderBlock(source: Buffer): Buffer {
  const crlf = source.indexOf('\r\n\r\n');
  const lf = source.indexOf('\n\n');
  if (lf >= 0 && (crlf < 0 || lf < crlf)) return source.subarray(lf + 2);
  return crlf >= 0 ? source.subarray(crlf + 4) : source;
}

async function walk(source: Buffer, depth: number, text: CappedSink, html: CappedSink): Promise<void> {
  const { leaves, rootMultipart, failed } = await splitLeaves(source);
  if (failed && leaves.length === 0) {
    // Headers the splitter refused (too large, too many parts): keep the body as text rather
    // than dropping the email; Python's parser never gives up either.
    const body = afterHeaderBlock(source);
    text.add(body, false, 'utf-8');
    return;
  }
  const single = !rootMultipart && leaves.length === 1;
  for (const leaf of leaves) {
    // splitLeaves keeps the bytes of every leaf read below (bytesNeeded), and only those
    if (!leaf.raw) continue;
    if (leaf.contentType === 'message/rfc822') {
      // Parsed from the raw bytes, as Python's feedparser does: a transfer encoding on
      // message/rfc822 is illegal (RFC 2046), and the original never decoded one.
      if (depth < MAX_NESTING) await walk(leaf.raw, depth + 1, text, html);
      continue;
    }
    if (single) {
      // A single-part message: HTML is HTML, every other type is read as text (§4.2).
      if (leaf.contentType === 'text/html') html.add(leaf.raw, leaf.encoding, leaf.charset);
      else text.add(leaf.raw, leaf.encoding, leaf.charset);
      continue;
    }
    if (leaf.attachment) continue;
    if (leaf.contentType === 'text/plain') text.add(leaf.raw, leaf.encoding, leaf.charset);
    else if (leaf.contentType === 'text/html') html.add(leaf.raw, leaf.encoding, leaf.charset);
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

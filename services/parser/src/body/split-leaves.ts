import { closeDelimiterSeen } from './close-delimiter-seen.js';
import type { SplitChunk, SplitNode } from './mime-deps.js';
import { Splitter } from './mime-deps.js';
import { withPythonHeaderEnd } from './python-header-end.js';
import { withPythonPartHeaderEnds } from './python-part-header-ends.js';

export interface Leaf {
  contentType: string;
  charset: string | undefined;
  attachment: boolean;
  encoding: string | false;
  /**
   * Body as it stands in the message (Python parses an attached message from these bytes), or
   * null for a leaf whose bytes no rule reads: an attachment's body is neither copied nor decoded.
   */
  raw: Buffer | null;
}

export interface SplitLeaves {
  leaves: Leaf[];
  rootMultipart: boolean;
  failed: boolean;
}

/**
 * Whether the §4.2 walk reads a leaf's bytes: attached messages (parsed in turn), and text/plain
 * and text/html parts not marked as attachments; a single-part message is read whatever its type.
 */
export function bytesNeeded(contentType: string, attachment: boolean, single: boolean): boolean {
  if (contentType === 'message/rfc822' || single) return true;
  return !attachment && (contentType === 'text/plain' || contentType === 'text/html');
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

/**
 * The chunks of one body as one Buffer. mailsplit hands out views of the input, so adjacent views
 * are joined as a view too: copying a large part would double it in memory.
 */
function joinChunks(chunks: Buffer[]): Buffer {
  const first = chunks[0];
  if (!first) return Buffer.alloc(0);
  let end = first.byteOffset + first.length;
  for (const chunk of chunks.slice(1)) {
    if (chunk.buffer !== first.buffer || chunk.byteOffset !== end) return Buffer.concat(chunks);
    end += chunk.length;
  }
  return Buffer.from(first.buffer, first.byteOffset, end - first.byteOffset);
}

interface SplitResult {
  order: SplitNode[];
  /** Body chunks of the leaves whose bytes are kept. */
  bodies: Map<SplitNode, Buffer[]>;
  rootData: Buffer[];
  failed: boolean;
}

async function splitOnce(source: Buffer, keepAll: boolean): Promise<SplitResult> {
  // ignoreEmbedded: every message/rfc822 stays a leaf and is parsed recursively by the caller,
  // whatever its disposition, as Python's walk() descends into all of them (§4.2).
  const splitter = new Splitter({ ignoreEmbedded: true });
  const order: SplitNode[] = [];
  const bodies = new Map<SplitNode, Buffer[]>();
  // The root's own data is read only when the root turns out to be the only node.
  let rootData: Buffer[] = [];
  const done = new Promise<boolean>((resolve) => {
    splitter.on('data', (chunk: SplitChunk) => {
      if (chunk.type === 'node') {
        if (order.length === 1) rootData = [];
        order.push(chunk);
        // A non-multipart root is the message's only leaf, read whatever its type.
        const single = order.length === 1 && !chunk.multipart;
        if (keepAll || bytesNeeded(contentTypeOf(chunk), dispositionSaysAttachment(chunk), single)) bodies.set(chunk, []);
      } else if (chunk.type === 'body') {
        bodies.get(chunk.node)?.push(chunk.value);
      } else if (order.length === 1 && chunk.node === order[0]) {
        rootData.push(chunk.value);
      }
    });
    splitter.on('end', () => resolve(false));
    splitter.on('error', () => resolve(true));
  });
  splitter.end(source);
  return { order, bodies, rootData, failed: await done };
}

function stripOneLineBreak(raw: Buffer): Buffer {
  const n = raw.length;
  if (n >= 2 && raw[n - 2] === 0x0d && raw[n - 1] === 0x0a) return raw.subarray(0, n - 2);
  if (n >= 1 && (raw[n - 1] === 0x0a || raw[n - 1] === 0x0d)) return raw.subarray(0, n - 1);
  return raw;
}

/** The leaves of a split, or null when a leaf whose bytes are read was not kept. */
function leavesOf(split: SplitResult, prepared: Buffer): SplitLeaves | null {
  const { order, bodies, rootData, failed } = split;
  const root = order[0];
  if (root?.multipart && order.length === 1) {
    // A multipart whose boundary is missing or never used: Python keeps the body as one string
    // payload, so the message is a single part of a non-HTML type and its body is read as text.
    const leaf = { contentType: 'multipart/' + root.multipart, charset: root.charset || undefined, attachment: false, encoding: root.encoding, raw: joinChunks(rootData) };
    return { leaves: [leaf], rootMultipart: false, failed };
  }
  const leafNodes = order.filter((n) => !n.multipart);
  const single = !root?.multipart && leafNodes.length === 1;
  const last = leafNodes.at(-1);
  const leaves: Leaf[] = [];
  for (const node of leafNodes) {
    const contentType = contentTypeOf(node);
    const attachment = dispositionSaysAttachment(node);
    const chunks = bodies.get(node);
    if (!chunks) {
      if (bytesNeeded(contentType, attachment, single)) return null;
      leaves.push({ contentType, charset: node.charset || undefined, attachment, encoding: node.encoding, raw: null });
      continue;
    }
    let raw = joinChunks(chunks);
    if (node === last && node.parentNode && !closeDelimiterSeen(prepared, node.parentNode._boundary)) {
      // Python ends a part cut off by the end of the input without its last line break.
      raw = stripOneLineBreak(raw);
    }
    leaves.push({ contentType, charset: node.charset || undefined, attachment, encoding: node.encoding, raw });
  }
  return { leaves, rootMultipart: Boolean(root?.multipart), failed };
}

/** Splits one RFC 822 message into its leaves, in document order. Never rejects. */
export async function splitLeaves(source: Buffer): Promise<SplitLeaves> {
  let prepared = withPythonHeaderEnd(source);
  let split = await splitOnce(prepared, false);
  // Second pass only when a part's header block holds a line Python reads as body.
  const boundaries = split.order.flatMap((n) => (n.multipart && n._boundary ? [n._boundary] : []));
  const adjusted = withPythonPartHeaderEnds(prepared, boundaries);
  if (adjusted !== prepared) {
    prepared = adjusted;
    split = await splitOnce(prepared, false);
  }
  // Which bytes are read is decided as each part's headers arrive; should the finished tree
  // disagree, the split is redone keeping every body rather than reading a body that is missing.
  return leavesOf(split, prepared) ?? (leavesOf(await splitOnce(prepared, true), prepared) as SplitLeaves);
}

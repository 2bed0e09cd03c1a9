import { randomUUID } from 'node:crypto';
import type { FetchMessageObject, ImapFlow, MessageStructureObject } from 'imapflow';
import type { Redis } from 'ioredis';

/** A message above this size is never held whole in memory: see parkLarge. */
export const LARGE_MESSAGE_BYTES = 1024 * 1024;
/** Pieces of a streamed message (partial FETCHes, appended one by one in Redis). */
export const STREAM_PIECE_BYTES = 1024 * 1024;
/** The parts a reduced message keeps whole may weigh this much together; beyond, it is streamed. */
export const KEPT_PARTS_BYTES = 4 * 1024 * 1024;
// Far below what the parser's MIME splitter refuses (1,000 parts, 1 MiB of headers per part): a
// message the splitter gives up on is read another way by the parser, which elided parts change.
const MAX_PARTS = 200;
const MAX_HEADER_BYTES = 64 * 1024;

export interface ParkDeps {
  redis: Redis;
  maxMessageBytes: number;
  rawTtlSeconds: number;
}

export type Parked =
  /** `reduced`: attachment bodies were left out (see reducedSource). */
  | { outcome: 'parked'; bytes: number; reduced: boolean }
  /** Expunged meanwhile. */
  | { outcome: 'gone' }
  /** Longer than RFC822.SIZE said, and past MAX_MESSAGE_BYTES: nothing parked. */
  | { outcome: 'too_large'; bytes: number };

/**
 * Parks a large message in `rawKey` (with the raw TTL) without holding it whole: as the reduced
 * message the parser reads the same way (attachment bodies left out, never downloaded) when its
 * structure allows it to be rebuilt faithfully, else its exact source streamed in pieces.
 */
export async function parkLarge(client: ImapFlow, uid: number, rawKey: string, deps: ParkDeps): Promise<Parked> {
  const reduced = await reducedSource(client, uid);
  if (reduced) {
    await deps.redis.set(rawKey, reduced, 'EX', deps.rawTtlSeconds);
    return { outcome: 'parked', bytes: reduced.length, reduced: true };
  }
  return parkStreamed(client, uid, rawKey, deps);
}

/**
 * Streams the exact source of message `uid` into `rawKey` (partial FETCHes of STREAM_PIECE_BYTES
 * with BODY.PEEK, each piece appended in Redis before the next is asked for). The pieces go to a
 * key of their own, renamed onto `rawKey` (with its TTL) once complete: the parser never reads a
 * partial message, and two syncs that overlap (a lease taken over) never interleave their pieces.
 * Past `maxMessageBytes` it stops and parks nothing.
 */
export async function parkStreamed(client: ImapFlow, uid: number, rawKey: string, deps: ParkDeps): Promise<Parked> {
  const { redis } = deps;
  const download = await client.download(String(uid), undefined, { uid: true, chunkSize: STREAM_PIECE_BYTES, maxBytes: deps.maxMessageBytes + 1 });
  if (!download.content) return { outcome: 'gone' };
  const pieces = `${rawKey}:pieces:${randomUUID()}`;
  let bytes = 0;
  try {
    for await (const piece of download.content as AsyncIterable<Buffer>) {
      const first = bytes === 0;
      bytes += piece.length;
      if (bytes > deps.maxMessageBytes) {
        download.content.destroy();
        await redis.del(pieces);
        return { outcome: 'too_large', bytes };
      }
      if (first) await redis.set(pieces, piece, 'EX', deps.rawTtlSeconds);
      else await redis.append(pieces, piece);
    }
    if (bytes === 0) return { outcome: 'gone' };
    await redis.rename(pieces, rawKey);
    return { outcome: 'parked', bytes, reduced: false };
  } catch (err) {
    download.content.destroy();
    await redis.del(pieces).catch(() => {});
    throw err;
  }
}

interface Multipart {
  node: MessageStructureObject;
  boundary: string;
  children: Node[];
}
type Node = { multipart: Multipart } | { leaf: MessageStructureObject & { part: string } };

/**
 * The message as the parser would read it, without the bodies of the parts it never reads, or
 * undefined when that cannot be done faithfully. From BODYSTRUCTURE, then the header blocks
 * (BODY.PEEK[HEADER] and [n.MIME]) and the bodies kept ([n]), byte for byte: the original header
 * block, then each multipart rebuilt with its own boundary, each part as its header block and
 * its body, except that a part the parser never reads (a declared type other than text/plain,
 * text/html and message/rfc822, under a multipart) keeps its headers and loses its body.
 * Preambles and epilogues, which the parser never reads either, are left out.
 *
 * Only a message the parser's MIME reading (Python's email rules) and the server's agree on is
 * reduced: every header block made of header fields only, one Content-Type per multipart whose
 * boundary stands in it as the server read it, no boundary the prefix of another, few parts, the
 * last part one whose body is left out (the parser reads a last part differently when the close
 * delimiter is missing), the kept bodies as long as BODYSTRUCTURE says and at most
 * KEPT_PARTS_BYTES together. Anything else is streamed as it is.
 */
export async function reducedSource(client: ImapFlow, uid: number): Promise<Buffer | undefined> {
  const head = await client.fetchOne(String(uid), { uid: true, bodyStructure: true, headers: true }, { uid: true });
  if (!head || !head.bodyStructure || !head.headers) return undefined;
  const tree = multipartOf(head.bodyStructure);
  if (!tree) return undefined;
  const multiparts: Multipart[] = [];
  const leaves: (MessageStructureObject & { part: string })[] = [];
  const collect = (m: Multipart): void => {
    multiparts.push(m);
    for (const child of m.children) 'multipart' in child ? collect(child.multipart) : leaves.push(child.leaf);
  };
  collect(tree);
  if (multiparts.length + leaves.length > MAX_PARTS) return undefined;
  const boundaries = multiparts.map((m) => m.boundary);
  if (boundaries.some((a, i) => boundaries.some((b, j) => i !== j && b.startsWith(a)))) return undefined;

  const nested = [...multiparts.slice(1).map((m) => m.node.part!), ...leaves.map((l) => l.part)];
  const mime = partsOf(await client.fetchOne(String(uid), { uid: true, bodyParts: nested.map((p) => `${p}.mime`) }, { uid: true }));
  const headerOf = (part: string | undefined): Buffer | undefined => (part === undefined ? head.headers : mime.get(`${part}.mime`));
  for (const m of multiparts) {
    const block = headerOf(m.node.part);
    if (!block || !cleanHeaderBlock(block) || !multipartHeaderAgrees(block, m.boundary)) return undefined;
  }
  const kept = new Set<string>();
  let keptBytes = 0;
  for (const leaf of leaves) {
    const block = headerOf(leaf.part);
    if (!block || !cleanHeaderBlock(block)) return undefined;
    if (bodyNeverRead(block)) continue;
    if (leaf.size === undefined) return undefined;
    kept.add(leaf.part);
    keptBytes += leaf.size;
  }
  const last = leaves.at(-1);
  if (!last || kept.has(last.part) || keptBytes > KEPT_PARTS_BYTES) return undefined;

  const bodies = kept.size === 0 ? new Map<string, Buffer>() : partsOf(await client.fetchOne(String(uid), { uid: true, bodyParts: [...kept] }, { uid: true }));
  for (const leaf of leaves) {
    if (kept.has(leaf.part) && bodies.get(leaf.part)?.length !== leaf.size) return undefined;
  }

  const CRLF = Buffer.from('\r\n');
  const out: Buffer[] = [head.headers];
  const writeMultipart = (m: Multipart): void => {
    m.children.forEach((child, i) => {
      out.push(Buffer.from(`${i === 0 ? '' : '\r\n'}--${m.boundary}\r\n`, 'latin1'));
      if ('multipart' in child) {
        out.push(headerOf(child.multipart.node.part)!);
        writeMultipart(child.multipart);
      } else {
        out.push(headerOf(child.leaf.part)!);
        const body = bodies.get(child.leaf.part);
        if (body) out.push(body);
      }
    });
    out.push(Buffer.from(`\r\n--${m.boundary}--`, 'latin1'));
  };
  writeMultipart(tree);
  out.push(CRLF);
  return Buffer.concat(out);
}

/** A multipart node with its parts, message/rfc822 parts being leaves; undefined if not one. */
function multipartOf(node: MessageStructureObject): Multipart | undefined {
  if (!node.type.startsWith('multipart/') || !node.childNodes?.length) return undefined;
  const boundary = node.parameters?.boundary;
  // The parser takes an ASCII boundary without trailing blanks, and ignores any other.
  if (!boundary || !/^[\x20-\x7e]*[\x21-\x7e]$/.test(boundary)) return undefined;
  const children: Node[] = [];
  for (const child of node.childNodes) {
    if (child.part === undefined) return undefined;
    if (child.type.startsWith('multipart/')) {
      const sub = multipartOf(child);
      if (!sub) return undefined;
      children.push({ multipart: sub });
    } else {
      children.push({ leaf: child as MessageStructureObject & { part: string } });
    }
  }
  return { node, boundary, children };
}

/** Body sections by lowercase section name. */
function partsOf(msg: FetchMessageObject | false): Map<string, Buffer> {
  const parts = new Map<string, Buffer>();
  if (msg) for (const [key, value] of msg.bodyParts ?? []) parts.set(key.toLowerCase(), value);
  return parts;
}

/** The lines of a header block, each with its line break (CR LF, CR or LF), as the parser cuts them. */
function linesOf(block: Buffer): string[] {
  return block.toString('latin1').match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

/**
 * A header block the parser ends where the server does: header fields ("name:" with printable
 * non-colon name characters) and continuation lines, then one blank line that ends the block.
 * Python ends a header block at the first line that is neither, a split the server ignores.
 */
export function cleanHeaderBlock(block: Buffer): boolean {
  if (block.length > MAX_HEADER_BYTES) return false;
  const lines = linesOf(block);
  const blank = lines.length - 1;
  if (blank < 1 || !/^(?:\r\n|\r|\n)$/.test(lines[blank]!)) return false;
  // A line of blanks only is a continuation for Python, but the end of the block for some readers.
  return lines.slice(0, blank).every((line) => (/^[ \t]/.test(line) && /[^ \t\r\n]/.test(line)) || /^[\x21-\x39\x3b-\x7e]*:/.test(line));
}

/** The value of each header field named `name` (lowercase) in a clean block, unfolded. */
function fieldValues(block: Buffer, name: string): string[] {
  const fields: { name: string; value: string }[] = [];
  for (const line of linesOf(block)) {
    const text = line.replace(/[\r\n]+$/, '');
    const last = fields.at(-1);
    if (/^[ \t]/.test(text)) {
      if (last) last.value += text;
    } else if (text.includes(':')) {
      const colon = text.indexOf(':');
      fields.push({ name: text.slice(0, colon).toLowerCase(), value: text.slice(colon + 1) });
    }
  }
  return fields.filter((f) => f.name === name).map((f) => f.value);
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const PLAIN_TYPE = new RegExp(`^[ \\t]*(${TOKEN})/(${TOKEN})[ \\t]*(?:;|$)`);

/** One plain Content-Type whose boundary parameter is, verbatim, the one the server read. */
function multipartHeaderAgrees(block: Buffer, boundary: string): boolean {
  const types = fieldValues(block, 'content-type');
  if (types.length !== 1) return false;
  const value = types[0]!;
  // A comment or an encoded parameter (RFC 2231) is read differently by different parsers.
  if (value.includes('(') || value.includes('*')) return false;
  const m = PLAIN_TYPE.exec(value);
  const b = escapeRegExp(boundary);
  return m !== null && m[1]!.toLowerCase() === 'multipart' && new RegExp(`;[ \\t]*boundary[ \\t]*=[ \\t]*(?:"${b}"|${b}(?=[ \\t;]|$))`, 'i').test(value);
}

/**
 * Whether the parser never reads the body of a part under a multipart with this header block: one
 * plain Content-Type declaring a type other than text/plain, text/html and message/rfc822 (those
 * it reads; one missing or malformed reads as text/plain).
 */
export function bodyNeverRead(block: Buffer): boolean {
  const types = fieldValues(block, 'content-type');
  if (types.length !== 1 || types[0]!.includes('(')) return false;
  const m = PLAIN_TYPE.exec(types[0]!);
  if (!m) return false;
  const type = `${m[1]}/${m[2]}`.toLowerCase();
  return !['text/plain', 'text/html', 'message/rfc822'].includes(type) && !type.startsWith('multipart/');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

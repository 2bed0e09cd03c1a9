import { createRequire } from 'node:module';
import type { Transform } from 'node:stream';

// mailparser's own building blocks (@zone-eu/mailsplit for the MIME tree, libmime for charsets)
// are used rather than a hand-written MIME parser. They are installed as mailparser's
// dependencies but are not direct dependencies of this service (its package.json belongs to
// another change), so they are resolved from mailparser's location: same versions as the
// mailparser we ship, nothing extra installed. Making them direct dependencies later only changes
// this file.

const fromHere = createRequire(import.meta.url);
const fromMailparser = createRequire(fromHere.resolve('mailparser'));

export interface MimeHeaders {
  get(key: string): string[];
  getFirst(key: string): string;
}

export interface SplitNode {
  type: 'node';
  root: boolean;
  parentNode: SplitNode | false;
  _boundary: Buffer | false;
  multipart: string | false;
  contentType: string | false;
  charset: string | false;
  encoding: string | false;
  headers: MimeHeaders | false;
}

export type SplitChunk = SplitNode | { type: 'body' | 'data'; node: SplitNode; value: Buffer };

export interface SplitterCtor {
  new (config?: { ignoreEmbedded?: boolean; maxHeadSize?: number; maxChildNodes?: number }): Transform;
}

export interface Libmime {
  decode(buf: Buffer, charset?: string): string;
  normalizeCharset(charset?: unknown): string;
}

export const Splitter = (fromMailparser('@zone-eu/mailsplit') as { Splitter: SplitterCtor }).Splitter;
// libmime's charset module: decode() falls back to UTF-8 for an unknown charset instead of throwing
export const libmime = fromMailparser('libmime/lib/charset') as Libmime;

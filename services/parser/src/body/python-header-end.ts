// Python's feedparser ends a header block at the first line that is neither a header field nor a
// continuation, and that line starts the body; mailsplit reads every line up to the blank line as
// headers and loses it (a part written as "--b\r\nHello\r\n" loses its text). Where Python would
// cut, a blank line is inserted so that mailsplit cuts at the same place. Only split points are
// computed here; the MIME parsing stays mailsplit's. The parts' header blocks are handled by
// python-part-header-ends.ts.

const FIELD = /^[\x21-\x39\x3b-\x7e]*:/;
const LINE = /[^\r\n]*(?:\r\n|\r|\n|$)/g;
const BLANK = /^(?:\r\n|\r|\n)$/;

function eolOf(text: string): string {
  return /\r\n|\n|\r/.exec(text)?.[0] ?? '\r\n';
}

function isHeaderLine(line: string): boolean {
  return line.startsWith(' ') || line.startsWith('\t') || FIELD.test(line);
}

/** The message's own header block. */
export function withPythonHeaderEnd(source: Buffer): Buffer {
  const head = source.subarray(0, Math.min(source.length, 1024 * 1024)).toString('latin1');
  let first = true;
  for (const m of head.matchAll(LINE)) {
    const line = m[0];
    if (line === '' || BLANK.test(line)) return source;
    const isEnvelope = first && line.startsWith('From ');
    first = false;
    if (isEnvelope || isHeaderLine(line)) continue;
    return Buffer.concat([source.subarray(0, m.index), Buffer.from(eolOf(head)), source.subarray(m.index)]);
  }
  return source;
}

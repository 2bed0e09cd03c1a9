import { ForwardSearch } from './forward-search.js';

// Python's feedparser ends a part's header block at the first line that is neither a header field
// nor a continuation, and that line starts the part's body; mailsplit reads every line up to the
// blank line as headers and loses it. Where Python would cut, a blank line is inserted (see
// python-header-end.ts for the message's own header block). The scan works on bytes: outside a
// header block only lines that start with "--" can matter, and those are found with indexOf, so
// an attachment's body is skipped rather than read line by line as a string.

const SCAN_LIMIT = 64 * 1024 * 1024;
const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const COLON = 0x3a;

type Delimiter = 'open' | 'close' | null;

class Lines {
  private readonly cr: ForwardSearch;
  private readonly lf: ForwardSearch;
  private readonly crDashes: ForwardSearch;
  private readonly lfDashes: ForwardSearch;

  constructor(private readonly source: Buffer) {
    this.cr = new ForwardSearch(source, CR);
    this.lf = new ForwardSearch(source, LF);
    this.crDashes = new ForwardSearch(source, Buffer.from('\r--', 'latin1'));
    this.lfDashes = new ForwardSearch(source, Buffer.from('\n--', 'latin1'));
  }

  /** End of the line that starts at `start`, past its line break (CR LF, CR or LF), if any. */
  end(start: number): number {
    const cr = this.cr.next(start);
    const lf = this.lf.next(start);
    const at = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
    if (at < 0) return this.source.length;
    return this.source[at] === CR && this.source[at + 1] === LF ? at + 2 : at + 1;
  }

  /** First line start at or after the line start `from` whose line begins with "--", or -1. */
  nextDashLine(from: number): number {
    if (this.source[from] === DASH && this.source[from + 1] === DASH) return from;
    // a CR followed by "-" is a whole line break, so both hits are line starts
    const cr = this.crDashes.next(from);
    const lf = this.lfDashes.next(from);
    const at = cr < 0 ? lf : lf < 0 ? cr : Math.min(cr, lf);
    return at < 0 ? -1 : at + 1;
  }
}

/** `[ \t]*` then an optional line break then the end of the line, as Python's delimiter regex. */
function blanksToEnd(source: Buffer, from: number, end: number): boolean {
  let k = from;
  while (k < end && (source[k] === 0x20 || source[k] === 0x09)) k += 1;
  const rest = end - k;
  if (rest === 0) return true;
  if (rest === 1) return source[k] === CR || source[k] === LF;
  return rest === 2 && source[k] === CR && source[k + 1] === LF;
}

/**
 * Python's delimiter line: "--" + boundary, optional "--", optional blanks, end of line. The
 * boundaries are tried in order and "--" greedily, as the original alternation does, so the first
 * boundary that fits decides between opening and closing.
 */
function delimiterAt(source: Buffer, start: number, end: number, boundaries: Buffer[]): Delimiter {
  if (source[start] !== DASH || source[start + 1] !== DASH) return null;
  const from = start + 2;
  for (const b of boundaries) {
    const after = from + b.length;
    if (after > end || source.compare(b, 0, b.length, from, after) !== 0) continue;
    // the "--" must lie inside the line: a boundary may run up to the line's end
    if (after + 2 <= end && source[after] === DASH && source[after + 1] === DASH && blanksToEnd(source, after + 2, end)) return 'close';
    if (blanksToEnd(source, after, end)) return 'open';
  }
  return null;
}

/** A header field ("name:" with printable non-colon name characters) or a continuation line. */
function isHeaderLine(source: Buffer, start: number, end: number): boolean {
  const first = source[start];
  if (first === 0x20 || first === 0x09) return true;
  for (let k = start; k < end; k += 1) {
    const c = source[k] ?? 0;
    if (c === COLON) return true;
    if (c < 0x21 || c > 0x7e) return false;
  }
  return false;
}

function firstLineBreak(source: Buffer): Buffer {
  const cr = source.indexOf(CR);
  const lf = source.indexOf(LF);
  if (cr < 0 && lf < 0) return Buffer.from('\r\n', 'latin1');
  if (lf >= 0 && (cr < 0 || lf < cr)) return Buffer.from('\n', 'latin1');
  return Buffer.from(source[cr + 1] === LF ? '\r\n' : '\r', 'latin1');
}

/** The header blocks of the parts that follow each delimiter line of the given boundaries. */
export function withPythonPartHeaderEnds(source: Buffer, boundaries: Buffer[]): Buffer {
  if (boundaries.length === 0 || source.length > SCAN_LIMIT) return source;
  const lines = new Lines(source);
  const cuts: number[] = [];
  let inHeaders = false;
  let start = 0;
  while (start < source.length) {
    if (!inHeaders) {
      start = lines.nextDashLine(start);
      if (start < 0) break;
    }
    const end = lines.end(start);
    const delimiter = delimiterAt(source, start, end, boundaries);
    if (delimiter) {
      inHeaders = delimiter === 'open';
    } else if (inHeaders) {
      const first = source[start];
      if (first === CR || first === LF) inHeaders = false;
      else if (!isHeaderLine(source, start, end)) {
        cuts.push(start);
        inHeaders = false;
      }
    }
    start = end;
  }
  if (cuts.length === 0) return source;
  const eol = firstLineBreak(source);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const at of cuts) {
    pieces.push(source.subarray(from, at), eol);
    from = at;
  }
  pieces.push(source.subarray(from));
  return Buffer.concat(pieces);
}

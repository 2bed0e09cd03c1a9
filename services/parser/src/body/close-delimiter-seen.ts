// Python reads a part cut off by the end of the input (no close delimiter of its multipart
// anywhere) without its last line break. The test is a byte search so that a 50 MB message is
// not turned into a string to find one line.

const DASHES = Buffer.from('--', 'latin1');
const CR = 0x0d;
const LF = 0x0a;

function endsDelimiterLine(source: Buffer, from: number): boolean {
  let k = from;
  while (k < source.length && (source[k] === 0x20 || source[k] === 0x09)) k += 1;
  return k === source.length || source[k] === CR || source[k] === LF;
}

/** Whether a line "--boundary--", optionally followed by blanks, occurs anywhere in `source`. */
export function closeDelimiterSeen(source: Buffer, boundary: Buffer | false): boolean {
  if (!boundary) return false;
  const close = Buffer.concat([DASHES, boundary, DASHES]);
  if (source.subarray(0, close.length).equals(close) && endsDelimiterLine(source, close.length)) return true;
  // A line start is the byte after a CR or an LF, so each hit of EOL + close is one candidate line.
  for (const eol of [CR, LF]) {
    const needle = Buffer.concat([Buffer.of(eol), close]);
    for (let at = source.indexOf(needle); at >= 0; at = source.indexOf(needle, at + 1)) {
      if (endsDelimiterLine(source, at + needle.length)) return true;
    }
  }
  return false;
}

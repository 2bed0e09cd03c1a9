// Python's `re` on str patterns is Unicode-aware for \s, \d, \w and \b, while JS keeps them ASCII
// (or, for \s, a slightly different set). The detection rules were written against Python's
// classes, so these fragments let the JS regexes match the same characters (§15).

/** str.isspace(): JS \s minus U+FEFF, plus the C0 separators U+001C..U+001F and NEL. */
export const PY_SPACE = '[\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
/** Python \d with str patterns: any decimal digit (category Nd). */
export const PY_DIGIT = '\\p{Nd}';
/** Python \w: letters, numbers and underscore (combining marks are not word characters). */
export const PY_WORD = '[\\p{L}\\p{N}_]';
export const PY_WB_BEFORE = '(?<![\\p{L}\\p{N}_])';
export const PY_WB_AFTER = '(?![\\p{L}\\p{N}_])';

const ND = /\p{Nd}/u;

/**
 * int() of a Python \d match. Every block of category Nd is a run of complete 0..9 sequences, so a
 * digit's value is its distance from the start of its run, modulo 10.
 */
export function digitsToInt(digits: string): number {
  let value = 0;
  for (const ch of digits) {
    let cp = ch.codePointAt(0) ?? 48;
    let offset = 0;
    while (ND.test(String.fromCodePoint(cp - 1)) && offset < 200) {
      cp -= 1;
      offset += 1;
    }
    value = value * 10 + (offset % 10);
  }
  return value;
}

const PY_SPACE_RUN = new RegExp(`${PY_SPACE}+`, 'gu');
const PY_SPACE_CHAR = new RegExp(`^${PY_SPACE}$`, 'u');

/**
 * str.strip() with no argument. Index loops rather than `\s+$`: that pattern retries from every
 * space of an inner run and is quadratic on a long run followed by a non-space.
 */
export function pyStrip(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && PY_SPACE_CHAR.test(s[start]!)) start += 1;
  while (end > start && PY_SPACE_CHAR.test(s[end - 1]!)) end -= 1;
  return s.slice(start, end);
}

/** re.sub(r'\s+', ' ', s) with Python's \s. */
export function collapsePySpace(s: string): string {
  return s.replace(PY_SPACE_RUN, ' ');
}

// Masking of the payload text (DECISIONS "Privacy"). Addresses keep their first character and the
// domain (the receiver's operators still see who is involved); phone numbers keep their last two
// digits. Digits inside URLs, ids, times and dates are left alone: the lookbehinds refuse a number
// glued to a word, a slash or an '=' so transfer ids and query strings are not mangled.

// Local part: RFC 5322 atext plus dots, so no exotic but valid address escapes the mask. The
// lookbehind makes a match start only where a run of such characters starts: without it, a long
// run with no '@' (a base64 inline image) is rescanned from every position, which is quadratic.
const ATEXT = "\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~.-";
const EMAIL = new RegExp(`(?<![${ATEXT}])([${ATEXT}]+)@([\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)+)`, 'gu');

/** Longer than any address (RFC 5321: 254) or phone number the patterns below match. */
export const MASK_MARGIN = 320;

const SEP = '[ .\\-\\u00a0]?';
const PHONE = new RegExp(
  [
    // international: +33 1 99 00 12 34, +33 (0)1 99 00 12 34, 0033 1 99 00 12 34
    `(?:\\+|\\b00)\\d{1,3}${SEP}(?:\\(0\\)${SEP})?\\d(?:${SEP}\\d){7,12}`,
    // French national format: 01 99 00 12 34, 01.99.00.12.34, 0199001234
    `\\b0\\d(?:${SEP}\\d\\d){4}`,
  ]
    .map((p) => `(?<![\\p{L}\\p{N}_/=&?#%.:@+-])${p}(?![\\p{L}\\p{N}_/])`)
    .join('|'),
  'gu',
);

function maskDigitsButLastTwo(s: string): string {
  const total = (s.match(/\d/g) ?? []).length;
  let seen = 0;
  return s.replace(/\d/g, (d) => {
    seen += 1;
    return seen > total - 2 ? d : '*';
  });
}

export function maskPersonalData(text: string): string {
  return text
    .replace(EMAIL, (_m, local: string, domain: string) => `${Array.from(local)[0] ?? ''}***@${domain}`)
    .replace(PHONE, (m) => maskDigitsButLastTwo(m));
}

// A subset of Python's html.unescape, enough for URLs found in HTML hrefs (§7.1): numeric
// references, the HTML 4 Latin-1 names (which HTML5 also accepts without ';' — so "&amp" and,
// like Python, "&para=" are unescaped) and apos. The ~2000 other HTML5 names with ';' never
// appear in provider URLs; pulling a full entity table into core for them is not worth it.

const LATIN1_NAMES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'.split(' ');

const LEGACY = new Map<string, string>([
  ['amp', '&'], ['AMP', '&'], ['lt', '<'], ['LT', '<'], ['gt', '>'], ['GT', '>'], ['quot', '"'], ['QUOT', '"'],
  ['COPY', '\u00a9'], ['REG', '\u00ae'],
  ...LATIN1_NAMES.map((n, i): [string, string] => [n, String.fromCharCode(160 + i)]),
]);
const WITH_SEMICOLON = new Map<string, string>([...LEGACY, ['apos', "'"]]);

// Python maps these invalid numeric references through windows-1252 (html._invalid_charrefs).
const CP1252: Record<number, string> = {
  0x80: '\u20ac', 0x82: '\u201a', 0x83: '\u0192', 0x84: '\u201e', 0x85: '\u2026', 0x86: '\u2020', 0x87: '\u2021',
  0x88: '\u02c6', 0x89: '\u2030', 0x8a: '\u0160', 0x8b: '\u2039', 0x8c: '\u0152', 0x8e: '\u017d', 0x91: '\u2018',
  0x92: '\u2019', 0x93: '\u201c', 0x94: '\u201d', 0x95: '\u2022', 0x96: '\u2013', 0x97: '\u2014', 0x98: '\u02dc',
  0x99: '\u2122', 0x9a: '\u0161', 0x9b: '\u203a', 0x9c: '\u0153', 0x9e: '\u017e', 0x9f: '\u0178', 0x00: '\ufffd', 0x0d: '\r',
};

const CHARREF = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/g;

function numeric(ref: string): string {
  const hex = ref[1] === 'x' || ref[1] === 'X';
  const num = Number.parseInt(ref.slice(hex ? 2 : 1).replace(/;$/, ''), hex ? 16 : 10);
  if (num in CP1252) return CP1252[num] ?? '\ufffd';
  if ((num >= 0xd800 && num <= 0xdfff) || num > 0x10ffff) return '\ufffd';
  return String.fromCodePoint(num);
}

export function htmlUnescape(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(CHARREF, (whole, ref: string) => {
    if (ref.startsWith('#')) return numeric(ref);
    if (ref.endsWith(';')) {
      const hit = WITH_SEMICOLON.get(ref.slice(0, -1));
      if (hit !== undefined) return hit;
    }
    // longest legacy name that prefixes the reference, as Python does
    for (let x = ref.length - 1; x > 1; x -= 1) {
      const hit = LEGACY.get(ref.slice(0, x));
      if (hit !== undefined) return hit + ref.slice(x);
    }
    if (LEGACY.has(ref)) return LEGACY.get(ref) ?? whole;
    return whole;
  });
}

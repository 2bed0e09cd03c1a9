// Python urllib.parse behaviour the R2 recipe depends on (§10.1): the object key is a sha256 of the
// normalised URL, so quoting must match byte for byte. WHATWG URL normalises differently (it
// re-encodes, lower-cases less, keeps empty query pairs), hence these small ports.

/** urllib.parse.unquote: %XX runs decoded as UTF-8, invalid sequences become U+FFFD. */
export function pyUnquote(s: string): string {
  if (!s.includes('%')) return s;
  return s.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = Buffer.from(run.replace(/%/g, ''), 'hex');
    return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  });
}

/** urllib.parse.unquote_plus. */
export function pyUnquotePlus(s: string): string {
  return pyUnquote(s.replace(/\+/g, ' '));
}

const ALWAYS_SAFE = /[A-Za-z0-9_.\-~]/;

/** urllib.parse.quote(s, safe): UTF-8 bytes, every byte outside the safe set as %XX (upper case). */
export function pyQuote(s: string, safe = '/'): string {
  let out = '';
  for (const ch of s) {
    if (ALWAYS_SAFE.test(ch) || (ch.length === 1 && safe.includes(ch))) {
      out += ch;
      continue;
    }
    for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** urllib.parse.quote_plus(s, safe=''). */
export function pyQuotePlus(s: string): string {
  return pyQuote(s, ' ').replace(/ /g, '+');
}

export interface SplitUrl {
  scheme: string;
  netloc: string;
  path: string;
  query: string;
  fragment: string;
}

/** urllib.parse.urlsplit for the absolute URLs we handle. */
export function pyUrlSplit(url: string): SplitUrl {
  // urlsplit strips leading C0/space and removes tab/CR/LF anywhere
  const s = url.replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
  let rest = s;
  let scheme = '';
  const sm = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (sm) {
    scheme = (sm[1] ?? '').toLowerCase();
    rest = rest.slice(sm[0].length);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end < 0 ? '' : rest.slice(2 + end);
  }
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  return { scheme, netloc, path: rest, query, fragment };
}

/** urllib.parse.parse_qsl(query, keep_blank_values=True) with the default '&' separator. */
export function pyParseQsl(query: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const field of query.split('&')) {
    if (!field) continue;
    const eq = field.indexOf('=');
    const key = eq < 0 ? field : field.slice(0, eq);
    const value = eq < 0 ? '' : field.slice(eq + 1);
    pairs.push([pyUnquotePlus(key), pyUnquotePlus(value)]);
  }
  return pairs;
}

/** urllib.parse.urlencode(pairs) (quote_plus on keys and values). */
export function pyUrlEncode(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${pyQuotePlus(k)}=${pyQuotePlus(v)}`).join('&');
}

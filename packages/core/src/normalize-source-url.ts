import { htmlUnescape } from './html-unescape.js';
import { pyParseQsl, pyQuote, pyUnquote, pyUrlEncode, pyUrlSplit } from './python-url.js';
import type { Provider } from './types.js';

function normalizeNetloc(netloc: string): string {
  const at = netloc.lastIndexOf('@');
  const userinfo = at >= 0 ? netloc.slice(0, at + 1) : '';
  let hostport = at >= 0 ? netloc.slice(at + 1) : netloc;
  let port = '';
  const pm = /:(\d*)$/.exec(hostport);
  if (pm && !hostport.endsWith(']')) {
    port = pm[1] ?? '';
    hostport = hostport.slice(0, pm.index);
  }
  const host = hostport.toLowerCase();
  const keepPort = port !== '' && port !== '443' && port !== '80';
  return `${userinfo}${host}${keepPort ? `:${Number(port)}` : ''}`;
}

/**
 * The URL handed to the R2 Worker (§10.1). Dropbox links get the original's canonical form
 * (https, dl=1, sorted query) so the Worker receives a direct download and the object key is
 * stable across dl=0/dl=1 spellings; other providers are only trimmed and unescaped.
 */
export function normalizeSourceUrl(rawUrl: string, provider: Provider): string {
  let s = htmlUnescape(rawUrl.trim());
  if (provider !== 'dropbox') return s;

  for (let round = 0; round < 3; round += 1) {
    s = s.replace(/amp%3[Bb]/g, '&');
    const decoded = pyUnquote(s);
    if (decoded.includes('://')) s = decoded;
  }

  const parts = pyUrlSplit(s);
  let path = pyUnquote(parts.path).replace(/\/{2,}/g, '/');
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  path = pyQuote(path, '/-._~');

  const seen = new Set<string>();
  const pairs: [string, string][] = [];
  for (const [k, v] of pyParseQsl(parts.query)) {
    if (!k) continue;
    if (!v && k !== 'rlkey') continue;
    if (k === 'dl') continue;
    const id = JSON.stringify([k, v]);
    if (seen.has(id)) continue;
    seen.add(id);
    pairs.push([k, v]);
  }
  pairs.push(['dl', '1']);
  pairs.sort((a, b) => cmp(a[0].toLowerCase(), b[0].toLowerCase()) || cmp(a[1], b[1]));

  const query = pyUrlEncode(pairs);
  return `https://${normalizeNetloc(parts.netloc)}${path}${query ? `?${query}` : ''}`;
}

// Python compares str by code point; localeCompare would not.
function cmp(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
    const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

import { htmlUnescape } from './html-unescape.js';
import type { DeliveryLink, Provider } from './types.js';

// Provider hosts (DECISIONS #14/#15): the host must be the provider's domain or its www. form and
// must end right there, so dropbox.com.evil.example and dropbox.com@evil.example are not links.
const HOSTS: Record<string, Provider> = {
  'dropbox.com': 'dropbox',
  'fromsmash.com': 'fromsmash',
  'swisstransfer.com': 'swisstransfer',
  'wetransfer.com': 'wetransfer',
  'we.tl': 'wetransfer',
};

// Python's \s plus the delimiters the original stopped at, plus quotes (DECISIONS #14).
const STOP = `\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000<>"'`;
const HOST_END = `(?::[0-9]{1,5})?(?=[/?#${STOP}]|$|[.,;:!?)\\]]+(?:[${STOP}]|$))`;

export const PROVIDER_LINK_SOURCE = `https?://(?:www\\.)?(dropbox\\.com|fromsmash\\.com|swisstransfer\\.com|wetransfer\\.com|we\\.tl)${HOST_END}[^${STOP}]*`;

const TRAILING = new Set(['.', ',', ';', ':', '!', '?', ')', ']', "'", '"']);

/** Drops trailing punctuation and quotes (DECISIONS #14) with a loop: `[...]+$` is quadratic on long runs. */
function trimTrailing(s: string): string {
  let end = s.length;
  while (end > 0 && TRAILING.has(s[end - 1]!)) end -= 1;
  return s.slice(0, end);
}

const PREVIEW_IMAGE = /\.(?:png|jpe?g|webp|gif)$/;
const PREVIEW_NAME = /^(?:ms|logo|avatar|profile)/;

/**
 * Dropbox preview assets (a signature logo such as MS.png?raw=1) are not deliveries (§7.1).
 */
export function isDropboxPreviewAsset(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (!parsed.hostname.toLowerCase().endsWith('dropbox.com')) return false;
  if (!parsed.pathname.startsWith('/scl/fi/')) return false;
  if (!parsed.searchParams.getAll('raw').includes('1')) return false;
  let file = parsed.pathname.split('/').pop() ?? '';
  try {
    file = decodeURIComponent(file);
  } catch {
    // keep the encoded name
  }
  file = file.toLowerCase();
  if (!PREVIEW_IMAGE.test(file)) return false;
  const base = file.replace(/\.[^.]*$/, '');
  return PREVIEW_NAME.test(base);
}

function hasProviderHost(url: string): boolean {
  try {
    const host = new URL(url).hostname.toLowerCase().replace(/^www\./, '');
    return host in HOSTS;
  } catch {
    return false;
  }
}

export function providerLinkRegex(flags = 'giu'): RegExp {
  return new RegExp(PROVIDER_LINK_SOURCE, flags);
}

/**
 * Provider links in order of appearance, exact-match deduplicated (§7.1 with DECISIONS #14/#15):
 * trailing punctuation and quotes are cut, HTML entities are unescaped, preview assets skipped.
 */
export function extractDeliveryLinks(combined: string): DeliveryLink[] {
  const seen = new Set<string>();
  const links: DeliveryLink[] = [];
  for (const m of combined.matchAll(providerLinkRegex())) {
    const url = trimTrailing(htmlUnescape(trimTrailing(m[0].trim())).trim());
    if (!url) continue;
    const provider = HOSTS[(m[1] ?? '').toLowerCase()];
    if (!provider) continue;
    if (provider === 'dropbox' && isDropboxPreviewAsset(url)) continue;
    // Belt and braces for the offloader, which fetches these: what a URL parser sees as the host
    // must be the provider's host too (no userinfo or encoding trick can get past the regex then).
    if (!hasProviderHost(url)) continue;
    if (seen.has(url)) continue;
    seen.add(url);
    links.push({ provider, raw_url: url });
  }
  return links;
}

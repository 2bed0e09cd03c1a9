import { HttpError } from './http-error.js';

export interface SourceRules {
  allowedHosts: readonly string[];
  /** Tests only: `http://127.0.0.1:<port>` and `http://localhost:<port>` pass as well. */
  allowLoopbackOrigins: boolean;
}

const IPV4_LITERAL = /^\d{1,3}(\.\d{1,3}){3}$/;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

/**
 * The URL of a source (or of a redirect's target) if the Worker may fetch it, else a 403
 * `source_refused`. The Worker cannot resolve names itself, so the rules are on the URL: https on
 * the default port, no credentials, no IP literal, a host equal to or under an allowed domain.
 * WHATWG parsing has already turned decimal, octal and hex IPv4 spellings (`2130706433`,
 * `0177.0.0.1`, `0x7f.1`) into dotted quads, so one pattern catches them all; IPv6 literals keep
 * their brackets.
 */
export function checkSourceUrl(raw: string, rules: SourceRules, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw refused('not a URL');
  }
  if (url.username !== '' || url.password !== '') throw refused('credentials in the URL');
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (rules.allowLoopbackOrigins && url.protocol === 'http:' && LOOPBACK_HOSTS.has(host) && url.port !== '') return url;
  if (url.protocol !== 'https:') throw refused('not https');
  if (url.port !== '') throw refused('port not allowed');
  if (IPV4_LITERAL.test(host) || host.startsWith('[')) throw refused('IP address instead of a host name');
  if (!rules.allowedHosts.some((allowed) => host === allowed || host.endsWith(`.${allowed}`))) throw refused(`host ${host} not allowed`);
  return url;
}

function refused(reason: string): HttpError {
  return new HttpError(403, 'source_refused', `source_url refused: ${reason}`);
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const IPV4_LITERAL = /^\d{1,3}(\.\d{1,3}){3}$/;

export type SourceCheck = { ok: true; url: URL } | { ok: false; problem: string };

/**
 * The checks a source link passes before the Worker is asked to fetch it, on the URL alone:
 * https, no credentials, no port, no IP literal, a host on the allowlist (or one of its
 * subdomains). WHATWG parsing has already turned decimal, octal and hex IPv4 spellings into dotted
 * quads, so one pattern catches them all. With `allowLocalTargets` (development only) loopback
 * http origins pass too. Resolved addresses are checked separately (`checkResolvedHost`).
 */
export function checkSourceUrl(raw: string, allowedHosts: readonly string[], allowLocalTargets: boolean): SourceCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: 'not_a_url' };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, problem: 'credentials_in_url' };
  const host = url.hostname.toLowerCase();
  if (allowLocalTargets && LOOPBACK_HOSTS.has(host) && (url.protocol === 'http:' || url.protocol === 'https:')) return { ok: true, url };
  if (url.protocol !== 'https:') return { ok: false, problem: 'not_https' };
  if (url.port !== '') return { ok: false, problem: 'port_not_allowed' };
  if (IPV4_LITERAL.test(host) || host.startsWith('[')) return { ok: false, problem: 'ip_literal' };
  if (!allowedHosts.some((allowed) => host === allowed || host.endsWith(`.${allowed}`))) return { ok: false, problem: 'host_not_allowed' };
  return { ok: true, url };
}

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase());
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
// Literal addresses that must never be a target outside development (the resolved-address check
// at connection time covers names; this rejects the obvious cases at start-up).
const PRIVATE_LITERAL = /^(10\.|127\.|169\.254\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|0\.|\[(::1?|f[cd]|fe80)[:\]])/i;

/**
 * Checks an outbound URL from configuration: https only and no private literal address, unless
 * local targets are allowed for development, in which case loopback http is accepted too.
 * Returns a problem description, or undefined when the URL is acceptable.
 */
export function checkTargetUrl(raw: string, allowLocalTargets: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return 'is not a valid URL';
  }
  if (url.username || url.password) return 'must not contain credentials';
  const host = url.hostname.toLowerCase();
  if (allowLocalTargets && LOOPBACK_HOSTS.has(host) && ['http:', 'https:'].includes(url.protocol)) return undefined;
  if (url.protocol !== 'https:') {
    return allowLocalTargets
      ? 'must use https (http is accepted only for 127.0.0.1 or localhost)'
      : 'must use https (set RENDER_SIGNAL_ALLOW_LOCAL_TARGETS=true to allow http://127.0.0.1 in development)';
  }
  if (LOOPBACK_HOSTS.has(host) || PRIVATE_LITERAL.test(host)) {
    return 'points at a private or loopback address';
  }
  return undefined;
}

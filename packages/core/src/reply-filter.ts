import { PY_SPACE, pyStrip } from './python-regex.js';

const PREFIX = new RegExp(`^(?:(?:re|fw|fwd|rv|tr)${PY_SPACE}*:${PY_SPACE}*|confirmation${PY_SPACE}*:${PY_SPACE}*)`, 'iu');

/** strip_leading_reply_prefixes of the original: drop every leading reply/forward prefix, then trim (§6.1). */
export function stripReplyPrefixes(subject: string): string {
  let s = subject;
  for (;;) {
    const next = s.replace(PREFIX, '');
    if (next === s) break;
    s = next;
  }
  return pyStrip(s);
}

/**
 * Reply/forward test. The subject is trimmed first so that stray whitespace alone no longer makes
 * an order look like a reply (DECISIONS #11); only a real prefix does.
 */
export function isReplyOrForward(subject: string): boolean {
  const trimmed = pyStrip(subject);
  return stripReplyPrefixes(trimmed) !== trimmed;
}

import { describe, expect, it } from '@jest/globals';
import { parseRetryAfter } from '../src/retry-after.js';

const NOW = new Date('2026-01-13T09:15:00Z');

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter(['30', '60'], NOW)).toBe(30_000);
  });

  it('reads an HTTP-date as the time left from now, never negative', () => {
    expect(parseRetryAfter('Tue, 13 Jan 2026 09:16:30 GMT', NOW)).toBe(90_000);
    expect(parseRetryAfter('Tuesday, 13-Jan-26 09:20:00 GMT', NOW)).toBe(300_000); // RFC 850, obsolete but allowed
    expect(parseRetryAfter('Tue Jan 13 09:15:10 2026', NOW)).toBe(10_000); // asctime, taken as UTC
    expect(parseRetryAfter('Mon, 12 Jan 2026 09:15:00 GMT', NOW)).toBe(0);
  });

  it('ignores what it cannot read, so the normal schedule applies', () => {
    for (const v of [undefined, '', '  ', '-5', '1.5', 'soon', 'in 5 minutes', 'Tue, 99 Foo 2026 99:99:99 GMT', []]) {
      expect(parseRetryAfter(v as string | undefined, NOW)).toBeUndefined();
    }
  });
});

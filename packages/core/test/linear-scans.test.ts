import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { extractSenderEmail } from '../src/sender-address.js';
import { PY_SPACE, pyStrip } from '../src/python-regex.js';

// The hand-written scans replace regexes that are quadratic on long inputs. On short inputs the
// regexes are fine, so they serve as the specification here.
const ORIGINAL_ADDRESS = /<([^>]+)>|([^\s\x1c-\x1f\x85<>]+@[^\s\x1c-\x1f\x85<>]+)/u;
const ORIGINAL_STRIP = new RegExp(`^${PY_SPACE}+|${PY_SPACE}+$`, 'gu');

const fromChars = fc.constantFrom('<', '>', '@', 'a', 'B', '.', ' ', '\t', '\x1c', '\x85', 'é');
const spaceChars = fc.constantFrom(' ', '\t', '\r', '\n', '\xa0', '\u2003', '\x1f', 'x', 'y', '\ufeff');

describe('linear replacements of quadratic regexes', () => {
  it('extractSenderEmail finds what the original pattern finds', () => {
    fc.assert(
      fc.property(fc.array(fromChars, { maxLength: 24 }).map((a) => a.join('')), (from) => {
        const m = ORIGINAL_ADDRESS.exec(from);
        expect(extractSenderEmail(from)).toBe(m ? (m[1] ?? m[2] ?? '').toLowerCase() : '');
      }),
      { numRuns: 20_000, seed: 42 },
    );
  });

  it('pyStrip strips what str.strip() strips', () => {
    fc.assert(
      fc.property(fc.array(spaceChars, { maxLength: 16 }).map((a) => a.join('')), (s) => {
        expect(pyStrip(s)).toBe(s.replace(ORIGINAL_STRIP, ''));
      }),
      { numRuns: 20_000, seed: 42 },
    );
  });

  it('handles megabyte headers in one pass', () => {
    expect(extractSenderEmail(`${'<'.repeat(1_000_000)}x`)).toBe('');
    expect(extractSenderEmail(`${'a'.repeat(1_000_000)} <B@Example.com>`)).toBe('b@example.com');
    expect(pyStrip(`x${' '.repeat(1_000_000)}y `)).toHaveLength(1_000_002);
  });
});

import { describe, expect, test } from '@jest/globals';
import { loadExpected, loadFixture, normaliseContent } from '../src/index.js';

describe('fixtures', () => {
  test('loadFixture returns the raw bytes, with or without .eml', () => {
    const raw = loadFixture('01-recadrage-dropbox-11h51');
    expect(raw.equals(loadFixture('01-recadrage-dropbox-11h51.eml'))).toBe(true);
    expect(raw.toString('latin1')).toContain('\r\n');
  });

  test('loadFixture builds the unstored large fixture (decoded HTML of 1 242 800 bytes, per its README)', () => {
    const raw = loadFixture('11-large-html').toString('latin1');
    expect(loadFixture('11-large-html.eml').toString('latin1')).toBe(raw);
    const html = /Content-Type: text\/html; charset="utf-8"\r\nContent-Transfer-Encoding: base64\r\n\r\n([^-]+)\r\n--/.exec(raw)?.[1];
    expect(Buffer.from(html ?? '', 'base64').length).toBe(1_242_800);
  }, 30_000);

  test('loadFixture names the known fixtures when one is missing', () => {
    expect(() => loadFixture('99-nope')).toThrow(/no fixture "99-nope".*01-recadrage-dropbox-11h51/s);
  });

  test('loadExpected reads the default and variant outputs', () => {
    expect(loadExpected('09-no-link-skipped.eml')).toMatchObject({ skipped: true });
    expect(loadExpected('01-recadrage-dropbox-11h51', 'r2')).toEqual(expect.objectContaining({}));
    expect(() => loadExpected('01-recadrage-dropbox-11h51', 'nope')).toThrow(/no expected output .*01-recadrage-dropbox-11h51\.expected\.nope\.json/);
  });

  test('normaliseContent turns CR LF into LF and drops U+FFFD', () => {
    expect(normaliseContent('a\r\nb\uFFFDc\r\n\rd')).toBe('a\nbc\n\rd');
  });
});

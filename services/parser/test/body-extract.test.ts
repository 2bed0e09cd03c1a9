import { describe, expect, it } from '@jest/globals';
import { extractBodies } from '../src/body/index.js';
import { pythonBase64Decode, pythonQpDecode } from '../src/body/python-transfer-decode.js';

const CAPS = { maxHtmlBytes: 1048576, maxTextBytes: 1048576 };
const mime = (...lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

describe('extractBodies (§4.2)', () => {
  it('keeps CR LF and glues text parts without a separator', async () => {
    const b = await extractBodies(
      mime(
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'one',
        'line',
        '--b',
        'Content-Type: text/plain',
        '',
        'two',
        '--b--',
        '',
      ),
      CAPS,
    );
    expect(b.text).toBe('one\r\nlinetwo');
  });

  it('skips parts marked as attachments but reads text inside an attached message', async () => {
    const b = await extractBodies(
      mime(
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'body',
        '--b',
        'Content-Type: text/plain',
        'Content-Disposition: attachment; filename="n.txt"',
        '',
        'attached text',
        '--b',
        'Content-Type: message/rfc822',
        'Content-Disposition: attachment',
        '',
        'Subject: inner',
        'Content-Type: text/plain',
        '',
        'inner text',
        '--b--',
      ),
      CAPS,
    );
    expect(b.text).toBe('bodyinner text');
  });

  it('an unknown charset decodes best-effort and does not stop the extraction (DECISIONS #12)', async () => {
    const b = await extractBodies(
      mime(
        'Content-Type: multipart/alternative; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset="x-bogus"',
        '',
        'caf\u00e9 https://fromsmash.com/x',
        '--b',
        'Content-Type: text/html; charset=utf-8',
        '',
        '<p>html</p>',
        '--b--',
      ),
      CAPS,
    );
    expect(b.text).toBe('caf\u00e9 https://fromsmash.com/x');
    expect(b.html).toBe('<p>html</p>');
  });

  it('decodes Latin-1 and drops invalid UTF-8 bytes instead of inserting U+FFFD', async () => {
    const latin = await extractBodies(Buffer.from('Content-Type: text/plain; charset=iso-8859-1\r\n\r\nd\xe9j\xe0', 'latin1'), CAPS);
    expect(latin.text).toBe('d\u00e9j\u00e0');
    const broken = await extractBodies(Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\ncass\xe9 ici', 'latin1'), CAPS);
    expect(broken.text).toBe('cass ici');
  });

  it('cuts the HTML cap on a character boundary, summed over parts (DECISIONS #31)', async () => {
    const part1 = 'a'.repeat(6);
    const part2 = 'bb\u00e9cc'; // é is 2 bytes; the cap lands inside it
    const b = await extractBodies(
      mime(
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/html; charset=utf-8',
        '',
        part1,
        '--b',
        'Content-Type: text/html; charset=utf-8',
        '',
        part2,
        '--b',
        'Content-Type: text/html; charset=utf-8',
        '',
        'dropped',
        '--b--',
      ),
      { maxHtmlBytes: 9, maxTextBytes: 100 },
    );
    expect(b.html).toBe('aaaaaabb');
    expect(b.htmlTruncated).toBe(true);
    expect(b.textTruncated).toBe(false);
  });

  it('caps text/plain too', async () => {
    const b = await extractBodies(Buffer.from('Content-Type: text/plain; charset=utf-8\r\n\r\n\u20ac\u20ac\u20ac', 'utf8'), { maxHtmlBytes: 10, maxTextBytes: 7 });
    expect(b.text).toBe('\u20ac\u20ac');
    expect(b.textTruncated).toBe(true);
  });

  it('a single-part HTML message goes to html, any other single part to text', async () => {
    expect((await extractBodies(Buffer.from('Content-Type: text/html\r\n\r\n<b>x</b>'), CAPS)).html).toBe('<b>x</b>');
    expect((await extractBodies(Buffer.from('Content-Type: application/json\r\n\r\n{"a":1}'), CAPS)).text).toBe('{"a":1}');
    // Python: a first line that is not a header field starts the body
    expect((await extractBodies(Buffer.from('no headers at all'), CAPS)).text).toBe('no headers at all');
  });

  it('never throws on garbage', async () => {
    for (const s of ['', '\r\n\r\n', '--', 'Content-Type: multipart/mixed\r\n\r\n--\r\n', 'Content-Type: multipart/mixed; boundary=""\r\n\r\n----\r\n']) {
      await expect(extractBodies(Buffer.from(s), CAPS)).resolves.toBeDefined();
    }
  });
});

describe('Python transfer decoders', () => {
  it('QP: soft breaks, invalid escapes kept, trailing blanks kept', () => {
    expect(pythonQpDecode(Buffer.from('a=C3=A9=\r\nb =XY c= \r\nd==e=')).toString('latin1')).toBe('a\xc3\xa9b =XY c= \r\nd=e');
  });
  it('base64: garbage after the padding is ignored, invalid characters skipped', () => {
    expect(pythonBase64Decode(Buffer.from('aGVsbG8=\r\n!!not*base64!!')).toString()).toBe('hello');
    expect(pythonBase64Decode(Buffer.from('aGV*sbG8')).toString()).toBe('hello');
    expect(pythonBase64Decode(Buffer.from('aGVsbG8')).toString()).toBe('hello');
    expect(pythonBase64Decode(Buffer.from('aGVsb')).toString()).toBe('aGVsb');
  });
});

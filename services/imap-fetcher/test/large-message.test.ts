import { describe, expect, it } from '@jest/globals';
import { bodyNeverRead, cleanHeaderBlock } from '../src/large-message.js';

const block = (...lines: string[]) => Buffer.from(lines.join('\r\n'), 'latin1');

describe('cleanHeaderBlock', () => {
  it('accepts header fields and continuation lines ended by one blank line', () => {
    expect(cleanHeaderBlock(block('Content-Type: multipart/mixed;', '\tboundary="b"', 'X-Empty:', '', ''))).toBe(true);
    expect(cleanHeaderBlock(Buffer.from('Content-Type: text/plain\n\n'))).toBe(true);
  });

  it('refuses a block Python would end elsewhere, or that has no end', () => {
    // A line that is neither a field nor a continuation starts the body for Python.
    expect(cleanHeaderBlock(block('Content-Type: text/plain', 'Hello', '', ''))).toBe(false);
    expect(cleanHeaderBlock(block('Content-Type : text/plain', '', ''))).toBe(false);
    // A bare CR breaks the line for Python.
    expect(cleanHeaderBlock(block('Subject: a\rb', '', ''))).toBe(false);
    expect(cleanHeaderBlock(block('Content-Type: text/plain', ' ', '', ''))).toBe(false);
    expect(cleanHeaderBlock(block('Content-Type: text/plain', ''))).toBe(false);
    expect(cleanHeaderBlock(block('Content-Type: text/plain', '', 'body'))).toBe(false);
  });
});

describe('bodyNeverRead', () => {
  const part = (...fields: string[]) => block(...fields, '', '');

  it('is true for one plainly declared type the parser does not read', () => {
    expect(bodyNeverRead(part('Content-Type: application/pdf; name="a.pdf"', 'Content-Disposition: attachment'))).toBe(true);
    expect(bodyNeverRead(part('content-type: Image/JPEG'))).toBe(true);
    expect(bodyNeverRead(part('Content-Type: text/csv;', '\tname="t.csv"'))).toBe(true);
  });

  it('is false for what the parser reads, or may read as text', () => {
    for (const type of ['text/plain', 'TEXT/HTML; charset=utf-8', 'message/rfc822', 'multipart/mixed; boundary=x']) {
      expect(bodyNeverRead(part(`Content-Type: ${type}`))).toBe(false);
    }
    // Missing or malformed: text/plain for the parser.
    expect(bodyNeverRead(part('Content-Disposition: attachment; filename="a.pdf"'))).toBe(false);
    expect(bodyNeverRead(part('Content-Type: application/pdf/x'))).toBe(false);
    expect(bodyNeverRead(part('Content-Type: application'))).toBe(false);
    // Read differently by different parsers: kept.
    expect(bodyNeverRead(part('Content-Type: application/pdf (scan)'))).toBe(false);
    expect(bodyNeverRead(part('Content-Type: application/pdf', 'Content-Type: text/plain'))).toBe(false);
  });
});

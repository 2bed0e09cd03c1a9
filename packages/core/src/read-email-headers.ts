import { decodeBytes } from './decode-charset.js';
import { decodeSubject } from './decode-subject.js';
import { computeEmailId } from './email-id.js';
import { extractSenderEmail } from './sender-address.js';
import type { EmailHeaders } from './types.js';

// Hand-written on purpose: mailparser/libmime unfold and decode header values, while the email id
// the receiver already stores is computed from Python compat32 raw values (first occurrence,
// leading WSP of the first line stripped, continuation lines verbatim with their CR LF, trailing
// CR/LF removed; §4.1, §15). Bytes are read as latin-1 so every raw byte survives one-to-one.

// feedparser's headerRE: a field name is any run of printable ASCII except ':' (possibly empty)
const FIELD = /^[\x21-\x39\x3b-\x7e]*:/;
const LINE = /[^\r\n]*(?:\r\n|\r|\n|$)/g;

interface RawHeader {
  name: string;
  value: string;
}

/** The header block as compat32 sees it, in order, duplicates kept. */
export function parseRawHeaders(source: Buffer): RawHeader[] {
  // Only the header block matters; cap the scan so a huge body is never copied into a string.
  const text = source.subarray(0, Math.min(source.length, 1024 * 1024)).toString('latin1');
  const headers: { name: string; lines: string[] }[] = [];
  let first = true;
  for (const m of text.matchAll(LINE)) {
    const line = m[0];
    if (line === '') break;
    if (/^(?:\r\n|\r|\n)$/.test(line)) break;
    if (first && line.startsWith('From ')) {
      first = false;
      continue; // mbox envelope line
    }
    first = false;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      headers.at(-1)?.lines.push(line); // a continuation before any field is a defect; ignored
      continue;
    }
    if (!FIELD.test(line)) break; // not a header: Python treats the rest as the body
    headers.push({ name: '', lines: [line] });
  }
  return headers.map(({ lines }) => {
    const [firstLine = '', ...rest] = lines;
    const colon = firstLine.indexOf(':');
    const name = firstLine.slice(0, colon);
    const value = (firstLine.slice(colon + 1).replace(/^[ \t]+/, '') + rest.join('')).replace(/[\r\n]+$/, '');
    return { name, value };
  });
}

function get(headers: RawHeader[], name: string): string {
  const wanted = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === wanted)?.value ?? '';
}

const HIGH_BYTES = /[\x80-\xff]/;

/**
 * str(Header) for a raw 8-bit value: Python keeps it as an unknown-8bit Header and prints every
 * non-ASCII byte as U+FFFD, which is what ends up in the id hash.
 */
function compatStr(raw: string): string {
  return raw.replace(/[\x80-\xff]/g, '\uFFFD');
}

/** Headers the pipeline needs (§4.1). Never throws: a raw 8-bit From is decoded best-effort (DECISIONS #12/#13). */
export function readEmailHeaders(source: Buffer): EmailHeaders {
  let raw: RawHeader[] = [];
  try {
    raw = parseRawHeaders(source);
  } catch {
    raw = [];
  }
  const subjectRaw = get(raw, 'Subject');
  const messageIdRaw = get(raw, 'Message-ID');
  const dateRaw = get(raw, 'Date');
  const fromRaw = get(raw, 'From');

  const subject = decodeSubject(subjectRaw, HIGH_BYTES.test(subjectRaw));
  const from = HIGH_BYTES.test(fromRaw) ? decodeBytes(Buffer.from(fromRaw, 'latin1'), 'utf-8') : fromRaw;
  const senderEmail = extractSenderEmail(from);
  const messageId = compatStr(messageIdRaw);
  const date = compatStr(dateRaw);
  return {
    messageId,
    subject,
    date,
    from: from || senderEmail,
    senderEmail,
    emailId: computeEmailId(messageId, subject, date),
  };
}

// Python decodes with the declared charset and errors='ignore', falling back to UTF-8 when the
// charset is unknown (§4.1, DECISIONS #12). TextDecoder is the only decoder core may use (no
// dependencies besides luxon), so Python codec spellings are mapped onto WHATWG labels here.

const LATIN1 = new Set(['latin1', 'latin-1', 'iso-8859-1', 'iso8859-1', 'iso88591', 'l1', 'iso-ir-100', 'cp819', '8859', 'iso_8859-1']);

function whatwgLabel(charset: string): string {
  const c = charset.trim().toLowerCase().replace(/_/g, '-');
  // Python's iso8859_15 / cp1252 / utf8 spellings
  const m = /^iso-?8859-?(\d+)$/.exec(c);
  if (m) return `iso-8859-${m[1]}`;
  if (/^cp-?125\d$/.test(c)) return `windows-${c.replace(/^cp-?/, '')}`;
  if (c === 'utf8' || c === 'u8' || c === 'utf') return 'utf-8';
  if (c === 'ascii' || c === 'us-ascii' || c === '646') return 'utf-8';
  return c;
}

function decoderFor(charset: string | undefined): { decode(input: Uint8Array): string } {
  try {
    return new TextDecoder(charset ? whatwgLabel(charset) : 'utf-8', { fatal: false, ignoreBOM: true });
  } catch {
    return new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  }
}

/**
 * Decode bytes the way the original does with errors='ignore': invalid sequences vanish instead of
 * turning into U+FFFD. A U+FFFD that was really encoded in the input is lost too; that is rare and
 * matches what the receiver saw from the original more often than keeping it would.
 */
export function decodeBytes(bytes: Uint8Array, charset?: string): string {
  const label = charset?.trim().toLowerCase();
  if (label && LATIN1.has(label.replace(/_/g, '-'))) {
    // WHATWG maps ISO-8859-1 to windows-1252; Python maps 0x80..0x9F to C1 controls.
    return Buffer.from(bytes).toString('latin1');
  }
  return decoderFor(label).decode(bytes).replace(/\uFFFD/g, '');
}

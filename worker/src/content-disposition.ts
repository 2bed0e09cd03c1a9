/**
 * The file name a `Content-Disposition` header gives, as the original Worker read it: `filename*=`
 * (RFC 5987: the text after `''`, quotes stripped, percent-decoded) first, else `filename=`.
 * Any directory part and control characters are dropped; undefined when nothing is left.
 */
export function filenameFromContentDisposition(header: string | null): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*([^;]+)/i.exec(header)?.[1];
  if (extended !== undefined) {
    let value = extended.trim();
    const quote = value.indexOf("''");
    if (quote >= 0) value = value.slice(quote + 2);
    value = stripQuotes(value);
    try {
      value = decodeURIComponent(value);
    } catch {
      // keep the raw text when the percent-encoding is broken
    }
    const name = clean(value);
    if (name) return name;
  }
  const plain = /(?:^|;)\s*filename\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/i.exec(header)?.[1];
  if (plain !== undefined) {
    const unquoted = plain.trim().startsWith('"') ? plain.trim().slice(1, -1).replace(/\\(.)/g, '$1') : plain.trim();
    const name = clean(unquoted);
    if (name) return name;
  }
  return undefined;
}

function stripQuotes(value: string): string {
  return value.replace(/^["']+|["']+$/g, '');
}

function clean(value: string): string | undefined {
  const name = (value.split(/[/\\]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 255);
  return name === '' || name === '.' || name === '..' ? undefined : name;
}

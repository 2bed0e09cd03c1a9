// Python's \s in a str pattern also covers U+001C..U+001F and NEL.
const ADDRESS = /<([^>]+)>|([^\s\x1c-\x1f\x85<>]+@[^\s\x1c-\x1f\x85<>]+)/u;

/** First `<addr>` or bare `local@domain` in the raw From, lower-cased; "" when none (§4.1). */
export function extractSenderEmail(fromRaw: string): string {
  const m = ADDRESS.exec(fromRaw);
  if (!m) return '';
  return (m[1] ?? m[2] ?? '').toLowerCase();
}

// Python's \s in a str pattern also covers U+001C..U+001F and NEL; '<' and '>' end a bare address.
const BARE_DELIMITER = /[\s\x1c-\x1f\x85<>]/u;

/**
 * First `<addr>` or bare `local@domain` in the raw From, lower-cased; "" when none (§4.1).
 *
 * The original's `re.search(r'<([^>]+)>|([^\s<>]+@[^\s<>]+)')`, by hand: as a JS regex it
 * rescans from every position, which is quadratic on a long From with no '>' or '@' (a header
 * may hold a megabyte). This finds the same leftmost match in one pass.
 */
export function extractSenderEmail(fromRaw: string): string {
  const angled = firstAngled(fromRaw);
  const bare = firstBare(fromRaw, angled?.at ?? fromRaw.length);
  const found = bare ?? angled;
  return found ? found.value.toLowerCase() : '';
}

/** `<([^>]+)>`: a '<' whose next '>' is not right after it. */
function firstAngled(s: string): { at: number; value: string } | undefined {
  let close = -1;
  for (let open = s.indexOf('<'); open !== -1; open = s.indexOf('<', open + 1)) {
    if (close <= open) close = s.indexOf('>', open + 1);
    if (close === -1) return undefined;
    if (close > open + 1) return { at: open, value: s.slice(open + 1, close) };
  }
  return undefined;
}

/**
 * `[^\s<>]+@[^\s<>]+` starting before `limit`: it can only match a whole run of non-delimiters,
 * from the run's start, when the run has an '@' with a character on each side.
 */
function firstBare(s: string, limit: number): { at: number; value: string } | undefined {
  let start = 0;
  while (start < limit) {
    while (start < s.length && BARE_DELIMITER.test(s[start]!)) start += 1;
    if (start >= limit) return undefined;
    let end = start;
    while (end < s.length && !BARE_DELIMITER.test(s[end]!)) end += 1;
    const at = s.indexOf('@', start + 1);
    if (at !== -1 && at < end - 1) return { at: start, value: s.slice(start, end) };
    start = end;
  }
  return undefined;
}

/** First `n` code points: the original counts Python str characters, not UTF-16 units (§15). */
export function takeCodePoints(s: string, n: number): string {
  if (s.length <= n) return s; // n UTF-16 units hold at most n code points
  let out = '';
  let count = 0;
  for (const ch of s) {
    if (count >= n) break;
    out += ch;
    count += 1;
  }
  return out;
}

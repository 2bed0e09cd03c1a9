/**
 * Makes mailparser's text comparable with the original system's (DECISIONS.md, "Comparing with
 * the fixtures"): mailparser turns CR LF into LF and invalid bytes into U+FFFD, while the original
 * kept CR LF and dropped invalid bytes. Apply it to both sides.
 */
export function normaliseContent(s: string): string {
  return s.replace(/\r\n/g, '\n').replace(/\uFFFD/g, '');
}

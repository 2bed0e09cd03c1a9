/**
 * Successive `indexOf` of one needle at non-decreasing positions, remembering the last hit. A scan
 * that asks "where is the next CR?" once per line would otherwise search to the end of an LF-only
 * message every time: quadratic. With the remembered hit, each byte is searched at most once.
 */
export class ForwardSearch {
  private hit = -2; // -2: not searched yet, -1: no occurrence at or after the last search

  constructor(
    private readonly haystack: Buffer,
    private readonly needle: Buffer | number,
  ) {}

  /** First occurrence at or after `from` (-1 if none). `from` must never decrease between calls. */
  next(from: number): number {
    if (this.hit !== -1 && this.hit < from) this.hit = this.haystack.indexOf(this.needle, from);
    return this.hit;
  }
}

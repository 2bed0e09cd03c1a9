/**
 * Capped exponential backoff with full jitter, kept apart from timers so it can be unit-tested:
 * each failure doubles the ceiling up to `maxMs`; a success resets it.
 */
export class ReconnectBackoff {
  private attempt = 0;

  constructor(
    private readonly options: { initialMs: number; maxMs: number },
    private readonly random: () => number = Math.random,
  ) {}

  /** The ceiling of the next delay. */
  peek(): number {
    return Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.attempt);
  }

  next(): number {
    const ceiling = this.peek();
    this.attempt += 1;
    // Half fixed, half random: never hammer the server, never line instances up.
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  reset(): void {
    this.attempt = 0;
  }
}

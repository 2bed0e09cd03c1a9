export type BreakerState = 'closed' | 'open' | 'half_open';

export interface BreakerOptions {
  /** Consecutive failures that open the circuit. */
  threshold: number;
  /** How long an open circuit refuses attempts before letting one trial through. */
  cooldownMs: number;
  now?: () => number;
}

/**
 * Stops a fetcher from hammering a server that keeps failing: after `threshold` failures in a row
 * the circuit opens and syncs are skipped for `cooldownMs`; then one trial runs (half-open), and
 * its outcome closes or reopens the circuit. A failure that retrying cannot fix (a refused login)
 * opens it at once, with its own cooldown. Transitions are reported so they can be logged and
 * exported once, not on every tick.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private cooldownMs: number;
  private current: BreakerState = 'closed';
  private trialRunning = false;
  private readonly now: () => number;

  constructor(
    private readonly options: BreakerOptions,
    private readonly onChange: (state: BreakerState, failures: number) => void = () => {},
  ) {
    this.now = options.now ?? Date.now;
    this.cooldownMs = options.cooldownMs;
  }

  get state(): BreakerState {
    return this.current;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Whether an attempt may run now; an open circuit past its cooldown lets exactly one through. */
  tryAcquire(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open' && this.now() - this.openedAt >= this.cooldownMs && !this.trialRunning) {
      this.set('half_open');
    }
    if (this.current === 'half_open' && !this.trialRunning) {
      this.trialRunning = true;
      return true;
    }
    return false;
  }

  succeeded(): void {
    this.failures = 0;
    this.trialRunning = false;
    this.cooldownMs = this.options.cooldownMs;
    if (this.current !== 'closed') this.set('closed');
  }

  /** The attempt settled nothing (another instance held the mailbox): the next one may try again. */
  inconclusive(): void {
    this.trialRunning = false;
  }

  /** `openFor`: open at once for this long (a failure that retries cannot fix). */
  failed(openFor?: number): void {
    this.failures += 1;
    this.trialRunning = false;
    if (openFor !== undefined || this.current === 'half_open' || this.failures >= this.options.threshold) {
      this.cooldownMs = openFor ?? this.options.cooldownMs;
      this.openedAt = this.now();
      this.set('open');
    }
  }

  private set(state: BreakerState): void {
    this.current = state;
    this.onChange(state, this.failures);
  }
}

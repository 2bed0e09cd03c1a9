/**
 * The source's time limit: `SOURCE_TIMEOUT_MS` to answer each hop, then at most that long between
 * two chunks of the body. An idle limit rather than one AbortSignal.timeout() for the whole copy,
 * because a 2 GiB file may rightly take longer than two minutes while a stalled one must not hang.
 */
export class SourceDeadline {
  private readonly controller = new AbortController();
  private timer: number | null = null;
  private listeners: Array<() => void> = [];
  timedOut = false;

  constructor(readonly ms: number) {
    this.touch();
  }

  /** Aborts the source fetch (headers and body) when the time is up or the copy is given up. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Progress was made: the clock starts again. */
  touch(): void {
    if (this.controller.signal.aborted) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.expire(), this.ms);
  }

  /** Called once if the time runs out (the body stream errors itself from here). */
  onExpire(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** The copy is over (done or failed): no more timeout, and the source connection is closed. */
  stop(): void {
    clearTimeout(this.timer);
    if (!this.controller.signal.aborted) this.controller.abort(new DOMException('source copy finished', 'AbortError'));
  }

  /** The copy is over and the body was read to its end: nothing to close. */
  finish(): void {
    clearTimeout(this.timer);
  }

  private expire(): void {
    this.timedOut = true;
    this.controller.abort(new DOMException(`source silent for ${this.ms} ms`, 'TimeoutError'));
    for (const listener of this.listeners) listener();
  }
}

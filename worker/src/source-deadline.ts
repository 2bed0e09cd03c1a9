/**
 * The source's time limit: `SOURCE_TIMEOUT_MS` to answer each hop, then at most that long for each
 * chunk of the body once the Worker asks for it. An idle limit rather than one AbortSignal.timeout()
 * for the whole copy, because a 2 GiB file may rightly take longer than two minutes while a stalled
 * one must not hang. Only time spent waiting on the source counts: while the Worker is busy with a
 * chunk (an R2 part upload), the clock is paused.
 */
export class SourceDeadline {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
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
    this.clear();
    this.timer = setTimeout(() => this.expire(), this.ms);
  }

  /** The Worker has what it asked for and is busy elsewhere: the clock stops until the next touch. */
  pause(): void {
    this.clear();
  }

  /** Called once if the time runs out (the body stream errors itself from here). */
  onExpire(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** The copy is over (done or failed): no more timeout, and the source connection is closed. */
  stop(): void {
    this.clear();
    if (!this.controller.signal.aborted) this.controller.abort(new DOMException('source copy finished', 'AbortError'));
  }

  /** The copy is over and the body was read to its end: nothing to close. */
  finish(): void {
    this.clear();
  }

  private clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private expire(): void {
    this.timedOut = true;
    this.controller.abort(new DOMException(`source silent for ${this.ms} ms`, 'TimeoutError'));
    for (const listener of this.listeners) listener();
  }
}

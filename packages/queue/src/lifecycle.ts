import type { Logger } from '@render-signal/logger';

type Stopper = () => Promise<unknown> | unknown;

/**
 * Shutdown registry: whatever opens a connection or starts a worker registers how to stop it.
 * Stoppers run in reverse order of registration (consumers before the connections they use).
 */
export class Lifecycle {
  private readonly stoppers: { name: string; stop: Stopper }[] = [];
  private stopping: Promise<boolean> | undefined;

  constructor(private readonly log: Logger) {}

  onStop(name: string, stop: Stopper): void {
    this.stoppers.push({ name, stop });
  }

  /** Resolves true when every component stopped cleanly within the deadline. Idempotent. */
  stop(deadlineMs = 25_000): Promise<boolean> {
    this.stopping ??= this.runStoppers(deadlineMs);
    return this.stopping;
  }

  private async runStoppers(deadlineMs: number): Promise<boolean> {
    let clean = true;
    const deadline = Date.now() + deadlineMs;
    for (const { name, stop } of [...this.stoppers].reverse()) {
      const remaining = Math.max(1, deadline - Date.now());
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          Promise.resolve().then(stop),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`did not stop within ${remaining} ms`)), remaining);
          }),
        ]);
      } catch (err) {
        clean = false;
        this.log.error({ code: 'service.shutdown_failed', component: name, err });
      } finally {
        clearTimeout(timer);
      }
    }
    return clean;
  }
}

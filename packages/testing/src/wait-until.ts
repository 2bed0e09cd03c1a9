export interface WaitUntilOptions {
  /** Overall deadline for the condition to become true. */
  timeoutMs: number;
  /** What is awaited, for the timeout message. */
  what: string;
  /** Checked before each attempt; a returned error aborts the wait (e.g. "the server exited"). */
  abort?: () => Error | undefined;
  intervalMs?: number;
}

/**
 * Polls a real condition (a TCP connect, a PING) until it holds or the deadline passes. Used
 * only where the thing being waited for offers no event to listen to.
 */
export async function waitUntil(condition: () => Promise<boolean>, options: WaitUntilOptions): Promise<void> {
  const started = Date.now();
  const intervalMs = options.intervalMs ?? 10;
  for (;;) {
    const aborted = options.abort?.();
    if (aborted) throw aborted;
    if (await condition()) return;
    if (Date.now() - started >= options.timeoutMs) {
      throw new Error(`Timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

import { UnrecoverableError } from 'bullmq';

/**
 * The one error taxonomy: every failure is either retryable (BullMQ retries it with backoff) or
 * permanent (the job goes straight to its dead-letter queue). Both carry a stable code that ends
 * up in logs, metrics and the dead letter.
 */
export class PermanentError extends UnrecoverableError {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

export function isPermanent(err: unknown): boolean {
  return err instanceof UnrecoverableError || (err instanceof Error && err.name === 'UnrecoverableError');
}

export function errorCode(err: unknown): string {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.includes('.') ? code : 'error.unclassified';
}

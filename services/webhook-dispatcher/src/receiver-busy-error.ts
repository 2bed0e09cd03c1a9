import { RetryableError } from '@render-signal/queue';

/** A retryable answer (408, 429, 5xx); `retryAfterMs` is what a 429's or 503's `Retry-After` asked for. */
export class ReceiverBusyError extends RetryableError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterMs: number | undefined,
  ) {
    super(code, message);
  }
}

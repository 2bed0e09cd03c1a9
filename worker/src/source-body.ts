import type { SourceDeadline } from './source-deadline.js';

/** Why reading the source body stopped, when it did not end normally. */
export interface BodyState {
  bytes: number;
  failure?: 'timeout' | 'too_large' | 'broken';
}

/**
 * The source body, pulled one chunk at a time (no read-ahead, so memory stays at one chunk): the
 * idle deadline runs while a chunk is awaited and is paused once it arrives (a slow R2 write is not
 * a silent source), and each chunk counts toward `maxBytes`; past it, or when the deadline
 * expires, the stream errors and whatever consumes it (an R2 put, the part uploader) fails.
 */
export function guardBody(body: ReadableStream<Uint8Array>, deadline: SourceDeadline, maxBytes: number, state: BodyState): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        deadline.onExpire(() => {
          state.failure ??= 'timeout';
          controller.error(new Error('source timeout'));
          reader.cancel().catch(() => undefined);
        });
      },
      async pull(controller) {
        deadline.touch();
        const next = await reader.read().catch((error: unknown) => {
          state.failure ??= deadline.timedOut ? 'timeout' : 'broken';
          throw error;
        });
        deadline.pause();
        if (next.done) {
          deadline.finish();
          controller.close();
          return;
        }
        state.bytes += next.value.byteLength;
        if (state.bytes > maxBytes) {
          state.failure ??= 'too_large';
          await reader.cancel().catch(() => undefined);
          controller.error(new Error('source larger than MAX_OBJECT_BYTES'));
          return;
        }
        controller.enqueue(next.value);
      },
      async cancel(reason) {
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { guardBody, type BodyState } from '../src/source-body.js';
import { SourceDeadline } from '../src/source-deadline.js';

// The idle deadline of a source body, on fake timers (the Worker's code runs the same in Node).
const chunk = (n: number) => new Uint8Array(16).fill(n);

describe('the source idle deadline', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('counts only the time spent waiting on the source: a consumer busy for longer (a slow R2 write) is not a silent source', async () => {
    const deadline = new SourceDeadline(50);
    deadline.pause(); // as fetchSource leaves it once the headers are in
    const state: BodyState = { bytes: 0 };
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk(1));
        controller.enqueue(chunk(2));
        controller.close();
      },
    });
    const reader = guardBody(source, deadline, 1_000, state).getReader();
    await jest.advanceTimersByTimeAsync(500); // setting up the upload
    expect((await reader.read()).value).toEqual(chunk(1));
    await jest.advanceTimersByTimeAsync(500); // uploading that chunk
    expect((await reader.read()).value).toEqual(chunk(2));
    expect((await reader.read()).done).toBe(true);
    expect(deadline.timedOut).toBe(false);
    expect(state).toEqual({ bytes: 32 });
  });

  test('a source that sends nothing for longer once asked is a timeout', async () => {
    const deadline = new SourceDeadline(50);
    deadline.pause();
    const state: BodyState = { bytes: 0 };
    const stalled = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk(1)); // then nothing, and no end
      },
    });
    const reader = guardBody(stalled, deadline, 1_000, state).getReader();
    expect((await reader.read()).value).toEqual(chunk(1));
    const refused = expect(reader.read()).rejects.toThrow('source timeout');
    await jest.advanceTimersByTimeAsync(49);
    expect(deadline.timedOut).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await refused;
    expect(deadline.timedOut).toBe(true);
    expect(state.failure).toBe('timeout');
    expect(deadline.signal.aborted).toBe(true);
  });
});

import { describe, expect, it } from '@jest/globals';
import { CircuitBreaker, type BreakerState } from '../src/circuit-breaker.js';

function breaker(threshold = 3, cooldownMs = 60_000) {
  let now = 1_000_000;
  const changes: BreakerState[] = [];
  const b = new CircuitBreaker({ threshold, cooldownMs, now: () => now }, (s) => changes.push(s));
  return { b, changes, advance: (ms: number) => (now += ms) };
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold and forgets failures after a success', () => {
    const { b, changes } = breaker();
    b.failed();
    b.failed();
    b.succeeded();
    b.failed();
    b.failed();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
    expect(changes).toEqual([]);
  });

  it('opens after threshold failures in a row and refuses attempts until the cooldown passes', () => {
    const { b, changes, advance } = breaker();
    b.failed();
    b.failed();
    b.failed();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toBe(false);
    advance(59_999);
    expect(b.tryAcquire()).toBe(false);
    advance(1);
    // One trial, not two: a second caller waits for its outcome.
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    expect(b.state).toBe('half_open');
    b.succeeded();
    expect(b.state).toBe('closed');
    expect(changes).toEqual(['open', 'half_open', 'closed']);
  });

  it('reopens for a whole cooldown when the trial fails', () => {
    const { b, advance } = breaker(2, 10_000);
    b.failed();
    b.failed();
    advance(10_000);
    expect(b.tryAcquire()).toBe(true);
    b.failed();
    expect(b.state).toBe('open');
    advance(9_999);
    expect(b.tryAcquire()).toBe(false);
    advance(1);
    expect(b.tryAcquire()).toBe(true);
  });

  it('opens at once, for the given time, on a failure retries cannot fix', () => {
    const { b, advance } = breaker(5, 10_000);
    b.failed(300_000);
    expect(b.state).toBe('open');
    advance(10_000);
    expect(b.tryAcquire()).toBe(false);
    advance(290_000);
    expect(b.tryAcquire()).toBe(true);
    b.succeeded();
    // Back to the normal cooldown afterwards.
    b.failed();
    b.failed();
    b.failed();
    b.failed();
    b.failed();
    advance(10_000);
    expect(b.tryAcquire()).toBe(true);
  });
});

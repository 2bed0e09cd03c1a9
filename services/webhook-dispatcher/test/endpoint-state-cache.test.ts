import { describe, expect, it } from '@jest/globals';
import type { Redis } from 'ioredis';
import { cachedEndpointState } from '../src/endpoint-state.js';

/** Just enough of a Redis client for isEndpointDisabled: EXISTS answers what `disabled` says. */
function fakeRedis() {
  const state = { disabled: false, reads: 0, pending: [] as (() => void)[], hold: false };
  const redis = {
    exists: async () => {
      state.reads += 1;
      if (state.hold) await new Promise<void>((resolve) => state.pending.push(resolve));
      return state.disabled ? 1 : 0;
    },
  } as unknown as Redis;
  return { redis, state, release: () => state.pending.splice(0).forEach((r) => r()) };
}

describe('cachedEndpointState', () => {
  it('reads an enabled endpoint at most once per TTL, and again after it', async () => {
    const { redis, state } = fakeRedis();
    let now = 1_000;
    const endpoints = cachedEndpointState(redis, 'p', 1_000, () => now);
    expect(await endpoints.isDisabled('e1')).toBe(false);
    now += 999;
    expect(await endpoints.isDisabled('e1')).toBe(false);
    expect(state.reads).toBe(1);
    // Another process disables it: seen once the TTL is over.
    state.disabled = true;
    now += 1;
    expect(await endpoints.isDisabled('e1')).toBe(true);
    expect(state.reads).toBe(2);
  });

  it('never remembers a disabled endpoint, so a re-enable applies at once', async () => {
    const { redis, state } = fakeRedis();
    const endpoints = cachedEndpointState(redis, 'p', 60_000);
    state.disabled = true;
    expect(await endpoints.isDisabled('e1')).toBe(true);
    expect(await endpoints.isDisabled('e1')).toBe(true);
    state.disabled = false;
    expect(await endpoints.isDisabled('e1')).toBe(false);
    expect(state.reads).toBe(3);
  });

  it('keeps one entry per endpoint', async () => {
    const { redis, state } = fakeRedis();
    const endpoints = cachedEndpointState(redis, 'p', 60_000);
    await endpoints.isDisabled('e1');
    await endpoints.isDisabled('e2');
    await endpoints.isDisabled('e1');
    expect(state.reads).toBe(2);
  });

  it('shares one read between concurrent deliveries', async () => {
    const { redis, state, release } = fakeRedis();
    const endpoints = cachedEndpointState(redis, 'p', 60_000);
    state.hold = true;
    const reads = [endpoints.isDisabled('e1'), endpoints.isDisabled('e1'), endpoints.isDisabled('e1')];
    await Promise.resolve();
    release();
    expect(await Promise.all(reads)).toEqual([false, false, false]);
    expect(state.reads).toBe(1);
  });

  it('forgets on a 410 of its own, including a read that was under way', async () => {
    const { redis, state, release } = fakeRedis();
    const endpoints = cachedEndpointState(redis, 'p', 60_000);
    expect(await endpoints.isDisabled('e1')).toBe(false);
    endpoints.forget('e1');
    state.disabled = true;
    expect(await endpoints.isDisabled('e1')).toBe(true);

    // A read that started before the 410 found it enabled: that answer is not kept.
    state.disabled = false;
    state.hold = true;
    const before = endpoints.isDisabled('e1');
    await Promise.resolve();
    endpoints.forget('e1');
    release();
    expect(await before).toBe(false);
    state.hold = false;
    state.disabled = true;
    expect(await endpoints.isDisabled('e1')).toBe(true);
  });

  it('does not remember a failed read', async () => {
    const { redis } = fakeRedis();
    let fail = true;
    const failing = { exists: async () => (fail ? Promise.reject(new Error('down')) : redis.exists('k')) } as unknown as Redis;
    const endpoints = cachedEndpointState(failing, 'p', 60_000);
    await expect(endpoints.isDisabled('e1')).rejects.toThrow('down');
    fail = false;
    expect(await endpoints.isDisabled('e1')).toBe(false);
  });
});

import { describe, expect, it } from '@jest/globals';
import { RETRY_AFTER_MAX_MS, retryDelay, scheduledDelay, webhookBackoff } from '../src/retry-schedule.js';
import { ReceiverBusyError } from '../src/receiver-busy-error.js';

const BASE = 5_000;
const max = () => 1 - Number.EPSILON;
const min = () => 0;
const HOUR = 3_600_000;

describe('retry schedule', () => {
  it('follows the Svix-like steps from the base delay, then repeats the last one', () => {
    const steps = Array.from({ length: 9 }, (_, i) => scheduledDelay(i + 1, BASE, max));
    expect(steps.map((ms) => Math.round(ms / 1000))).toEqual([5, 300, 1_800, 7_200, 18_000, 36_000, 36_000, 36_000, 36_000]);
  });

  it('takes off up to 20 % at random', () => {
    expect(scheduledDelay(2, BASE, min)).toBe(240_000);
    expect(scheduledDelay(2, BASE, () => 0.5)).toBe(270_000);
  });

  it('spans hours with the default 10 attempts: two days of retries, an hour-long outage needs only 5 attempts', () => {
    const waits = (n: number, random: () => number) => Array.from({ length: n }, (_, i) => scheduledDelay(i + 1, BASE, random)).reduce((a, b) => a + b, 0);
    expect(waits(9, min)).toBeGreaterThan(30 * HOUR);
    expect(waits(9, max)).toBeLessThan(48 * HOUR);
    expect(waits(3, max)).toBeLessThan(HOUR); // attempt 4 still falls inside the hour...
    expect(waits(4, min)).toBeGreaterThan(HOUR); // ...attempt 5 after it
  });

  it('scales with the base delay', () => {
    expect(scheduledDelay(3, 1_000, () => 0.5)).toBe(324_000);
  });

  it('honours Retry-After as a minimum, capped at an hour, and never shortens the schedule', () => {
    expect(retryDelay(1, BASE, 120_000, max)).toBe(120_000);
    expect(retryDelay(1, BASE, 24 * HOUR, max)).toBe(RETRY_AFTER_MAX_MS);
    expect(retryDelay(3, BASE, 1_000, min)).toBe(scheduledDelay(3, BASE, min));
    expect(retryDelay(6, BASE, 24 * HOUR, min)).toBe(scheduledDelay(6, BASE, min)); // 8 h of schedule beat the 1 h cap
    expect(retryDelay(1, BASE, undefined, min)).toBe(4_000);
  });

  it('is the BullMQ strategy of the webhook backoff type, reading Retry-After from the error', async () => {
    const strategy = webhookBackoff(BASE, min);
    expect(await strategy(1, 'webhook', new ReceiverBusyError('dispatch.receiver_unavailable', 'HTTP 429', 60_000))).toBe(60_000);
    expect(await strategy(2, 'webhook', new ReceiverBusyError('dispatch.receiver_unavailable', 'HTTP 503', undefined))).toBe(240_000);
    expect(await strategy(1, 'webhook', new Error('ECONNREFUSED'))).toBe(4_000);
  });
});

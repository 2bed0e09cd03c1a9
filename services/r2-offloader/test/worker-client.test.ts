import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { offloadRetryDelay } from '../src/processor.js';
import { workerAuthHeaders } from '../src/worker-client.js';

describe('workerAuthHeaders', () => {
  const body = '{"source_url":"https://www.dropbox.com/s/x?dl=1","object_key":"dropbox/a/b/file"}';
  const now = new Date('2026-01-13T09:15:00Z');

  it('signs the timestamp and the exact body with the token, without sending the token', () => {
    const headers = workerAuthHeaders('signed', 'fixture-r2-token', body, now);
    expect(headers['x-r2-timestamp']).toBe('1768295700');
    const expected = createHmac('sha256', 'fixture-r2-token').update(`1768295700.${body}`).digest('hex');
    expect(headers['x-r2-signature']).toBe(`v1=${expected}`);
    expect(JSON.stringify(headers)).not.toContain('fixture-r2-token');
  });

  it('sends the original header in token mode', () => {
    expect(workerAuthHeaders('token', 'fixture-r2-token', body, now)).toEqual({ 'x-r2-fetch-token': 'fixture-r2-token' });
  });
});

describe('offloadRetryDelay', () => {
  const createdAt = 1_000_000;
  it('keeps the exponential delay while the deadline is far', () => {
    expect(offloadRetryDelay({ exponential: 10_000, createdAt, deadlineMs: 300_000, now: createdAt + 5_000 })).toBe(10_000);
  });
  it('never schedules the next attempt past the deadline', () => {
    // 20 s left, 1 s kept for the attempt itself.
    expect(offloadRetryDelay({ exponential: 80_000, createdAt, deadlineMs: 300_000, now: createdAt + 280_000 })).toBe(19_000);
  });
  it('retries at once when the deadline has passed (the attempt then falls back)', () => {
    expect(offloadRetryDelay({ exponential: 80_000, createdAt, deadlineMs: 300_000, now: createdAt + 400_000 })).toBe(0);
  });
});

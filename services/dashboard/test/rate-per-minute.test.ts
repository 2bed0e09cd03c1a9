import { describe, expect, it } from '@jest/globals';
import { ratePerMinute } from '@render-signal/dashboard';

const MIN = 60_000;
const now = 1_000 * MIN + 30_000;

describe('ratePerMinute (BullMQ worker metrics over the last 15 minutes)', () => {
  it('counts the open minute of the last event and the closed minutes before it', () => {
    // Last event this minute: 3 jobs in it so far; the minutes before had 10, 0, 2.
    expect(ratePerMinute({ meta: { count: 115, prevTS: now - 10_000, prevCount: 112 }, data: [10, 0, 2] }, now)).toBe(1);
    // A first event only sets prevTS: one job.
    expect(ratePerMinute({ meta: { count: 1, prevTS: now, prevCount: 0 }, data: [] }, now)).toBe(0.1);
  });

  it('ages the counts out against the current time when the queue went idle', () => {
    const metrics = { meta: { count: 200, prevTS: now - 10 * MIN, prevCount: 170 }, data: ['15', '15', '15', '15', '15', '15'] };
    // Open minute 10 min ago (30) + data minutes 11..14 min ago (4 × 15) count; older ones do not.
    expect(ratePerMinute(metrics, now)).toBe(6);
    expect(ratePerMinute(metrics, now + 20 * MIN)).toBe(0);
    expect(ratePerMinute(undefined, now)).toBe(0);
  });
});

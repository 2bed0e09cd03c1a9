import { describe, expect, it } from '@jest/globals';
import { ReconnectBackoff } from '../src/reconnect-backoff.js';

describe('ReconnectBackoff', () => {
  it('doubles up to its cap, with delays between half and all of the ceiling, and resets', () => {
    const low = new ReconnectBackoff({ initialMs: 250, maxMs: 5_000 }, () => 0);
    const high = new ReconnectBackoff({ initialMs: 250, maxMs: 5_000 }, () => 1);
    const lows = Array.from({ length: 7 }, () => low.next());
    const highs = Array.from({ length: 7 }, () => high.next());
    expect(highs).toEqual([250, 500, 1_000, 2_000, 4_000, 5_000, 5_000]);
    expect(lows).toEqual(highs.map((h) => h / 2));
    high.reset();
    expect(high.peek()).toBe(250);
  });
});

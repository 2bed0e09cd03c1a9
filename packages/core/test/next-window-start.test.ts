import { describe, expect, it } from '@jest/globals';
import { nextWindowStart } from '../src/is-within-window.js';
import { toLocal } from '../src/local-time.js';

const WINDOW = { start: '09h00', end: '19h00' };
const next = (iso: string, window: { start?: string; end?: string } = WINDOW) =>
  nextWindowStart(toLocal(new Date(iso), 'Europe/Paris'), window)?.toUTC().toISO();

describe('nextWindowStart', () => {
  it('is today before the start, tomorrow after it', () => {
    expect(next('2026-01-13T07:30:00+01:00')).toBe('2026-01-13T08:00:00.000Z');
    expect(next('2026-01-13T20:30:00+01:00')).toBe('2026-01-14T08:00:00.000Z');
    expect(next('2026-01-13T09:00:00+01:00')).toBe('2026-01-13T08:00:00.000Z');
  });
  it('keeps the local start time across the DST changes of Europe/Paris', () => {
    // The night before the spring change (29 March 2026) and before the autumn one (25 October).
    expect(next('2026-03-28T20:00:00+01:00')).toBe('2026-03-29T07:00:00.000Z');
    expect(next('2026-10-24T20:00:00+02:00')).toBe('2026-10-25T08:00:00.000Z');
  });
  it('is undefined without a complete window', () => {
    expect(next('2026-01-13T07:30:00+01:00', {})).toBeUndefined();
    expect(next('2026-01-13T07:30:00+01:00', { start: '09h00' })).toBeUndefined();
  });
});

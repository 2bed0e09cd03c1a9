import { describe, expect, it } from '@jest/globals';
import { pollingState, type PollingSchedule } from '../src/polling-schedule.js';

const WEEKDAYS_9_23: PollingSchedule = { enabled: true, activeDays: [0, 1, 2, 3, 4], activeStartHour: 9, activeEndHour: 23 };
const paris = (iso: string, schedule = WEEKDAYS_9_23, absence: string[] = []) => pollingState(schedule, absence, 'Europe/Paris', new Date(iso));

describe('pollingState', () => {
  it('follows the reference case (days 0–4, hours 9–23, Europe/Paris)', () => {
    expect(paris('2026-01-17T10:00:00+01:00')).toEqual({ active: false, reason: 'inactive_day' }); // Saturday
    expect(paris('2026-01-19T08:59:59+01:00')).toEqual({ active: false, reason: 'outside_active_hours' }); // Monday
    expect(paris('2026-01-19T09:00:00+01:00')).toEqual({ active: true });
    expect(paris('2026-01-19T23:00:00+01:00')).toEqual({ active: false, reason: 'outside_active_hours' });
  });

  it('takes the day and hour in the configured zone, across the DST change', () => {
    // 2026-03-29: Paris goes from UTC+1 to UTC+2. 07:00Z is 09:00 local after the change.
    const sunday = { ...WEEKDAYS_9_23, activeDays: [6] };
    expect(paris('2026-03-29T07:00:00Z', sunday)).toEqual({ active: true });
    expect(paris('2026-03-29T06:59:59Z', sunday)).toEqual({ active: false, reason: 'outside_active_hours' });
    // 23:30Z on Sunday is already Monday in Paris.
    expect(paris('2026-01-18T23:30:00Z', { ...WEEKDAYS_9_23, activeStartHour: 0, activeEndHour: 24 })).toEqual({ active: true });
  });

  it('wraps over midnight when start > end, never runs when start = end, runs all day with 0–24', () => {
    const night = { ...WEEKDAYS_9_23, activeStartHour: 22, activeEndHour: 6 };
    expect(paris('2026-01-19T23:30:00+01:00', night).active).toBe(true);
    expect(paris('2026-01-20T05:59:00+01:00', night).active).toBe(true);
    expect(paris('2026-01-20T06:00:00+01:00', night).active).toBe(false);
    expect(paris('2026-01-19T12:00:00+01:00', { ...WEEKDAYS_9_23, activeStartHour: 9, activeEndHour: 9 }).active).toBe(false);
    const always = { ...WEEKDAYS_9_23, activeDays: [0, 1, 2, 3, 4, 5, 6], activeStartHour: 0, activeEndHour: 24 };
    expect(paris('2026-01-17T00:00:00+01:00', always).active).toBe(true);
    expect(paris('2026-01-18T23:59:59+01:00', always).active).toBe(true);
  });

  it('pauses during a vacation (both days inclusive), when disabled, and on absence days', () => {
    const vacation = { ...WEEKDAYS_9_23, vacationStart: '2026-01-19', vacationEnd: '2026-01-20' };
    expect(paris('2026-01-19T10:00:00+01:00', vacation)).toEqual({ active: false, reason: 'vacation' });
    expect(paris('2026-01-20T22:00:00+01:00', vacation)).toEqual({ active: false, reason: 'vacation' });
    expect(paris('2026-01-21T10:00:00+01:00', vacation)).toEqual({ active: true });
    expect(paris('2026-01-19T10:00:00+01:00', { ...WEEKDAYS_9_23, vacationStart: '2026-01-19' })).toEqual({ active: true });
    expect(paris('2026-01-19T10:00:00+01:00', { ...WEEKDAYS_9_23, enabled: false })).toEqual({ active: false, reason: 'polling_disabled' });
    // Profile E of the fixtures: Tuesday 2026-01-13 is an absence day. 23:30Z Monday is Tuesday in Paris.
    expect(paris('2026-01-13T10:15:00+01:00', WEEKDAYS_9_23, ['tuesday'])).toEqual({ active: false, reason: 'absence_day' });
    expect(paris('2026-01-12T23:30:00Z', { ...WEEKDAYS_9_23, activeStartHour: 0 }, ['tuesday'])).toEqual({ active: false, reason: 'absence_day' });
    expect(paris('2026-01-12T22:30:00Z', { ...WEEKDAYS_9_23, activeStartHour: 0, activeEndHour: 24 }, ['tuesday'])).toEqual({ active: true });
  });
});

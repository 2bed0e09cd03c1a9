import { toLocal } from './local-time.js';

const WEEKDAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

export interface PollingSchedule {
  enabled: boolean;
  /** 0 = Monday … 6 = Sunday. */
  activeDays: readonly number[];
  /** Inclusive, 0–23. */
  activeStartHour: number;
  /** Exclusive, 0–24 (24 = midnight). */
  activeEndHour: number;
  /** `YYYY-MM-DD`, both inclusive; a vacation needs both. */
  vacationStart?: string | undefined;
  vacationEnd?: string | undefined;
}

export type PollingState =
  | { active: true }
  | { active: false; reason: 'polling_disabled' | 'vacation' | 'inactive_day' | 'outside_active_hours' | 'absence_day' };

/**
 * Whether the mailbox is synced at `now` (§3.2 and §8.1 of the original, in `timezone`): not while
 * polling is disabled or during a vacation, only on active days and hours (integer hours, start
 * inclusive, end exclusive, wrapping over midnight when start > end, never when equal), and not on
 * an absence day: the original skipped the whole cycle then, so the mail waits on the server.
 * Unlike the original, absence days are taken in `timezone`, not in the server's zone.
 */
export function pollingState(schedule: PollingSchedule, absenceDays: readonly string[], timezone: string, now: Date): PollingState {
  if (!schedule.enabled) return { active: false, reason: 'polling_disabled' };
  const local = toLocal(now, timezone);
  const today = local.toISODate() ?? '';
  if (schedule.vacationStart && schedule.vacationEnd && schedule.vacationStart <= today && today <= schedule.vacationEnd) {
    return { active: false, reason: 'vacation' };
  }
  const weekday = local.weekday - 1;
  if (!schedule.activeDays.includes(weekday)) return { active: false, reason: 'inactive_day' };
  const { activeStartHour: start, activeEndHour: end } = schedule;
  const hour = local.hour;
  const inHours = start < end ? start <= hour && hour < end : start > end ? hour >= start || hour < end : false;
  if (!inHours) return { active: false, reason: 'outside_active_hours' };
  if (absenceDays.includes(WEEKDAY_NAMES[weekday]!)) return { active: false, reason: 'absence_day' };
  return { active: true };
}

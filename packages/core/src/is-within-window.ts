import type { DateTime } from 'luxon';
import { parseTimeHhmm } from './parse-time-hhmm.js';

function secondsOfDay(t: { hour: number; minute: number; second?: number; millisecond?: number }): number {
  return t.hour * 3600 + t.minute * 60 + (t.second ?? 0) + (t.millisecond ?? 0) / 1000;
}

/**
 * within(now_local) of §8.2. Unset or invalid bounds mean "always". start == end is never within,
 * and start > end wraps over midnight. Seconds count: 18:59:59 is inside 09h00–19h00.
 */
export function isWithinWindow(nowLocal: DateTime, window: { start?: string; end?: string }): boolean {
  const start = parseTimeHhmm(window.start);
  const end = parseTimeHhmm(window.end);
  if (!start || !end) return true;
  const now = secondsOfDay(nowLocal);
  const s = secondsOfDay(start);
  const e = secondsOfDay(end);
  if (s <= e) return s <= now && now < e;
  return now >= s || now < e;
}

export function isBeforeWindowStart(nowLocal: DateTime, start: string | undefined): boolean {
  const s = parseTimeHhmm(start);
  return s !== null && secondsOfDay(nowLocal) < secondsOfDay(s);
}

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

/**
 * The next moment, at or after `nowLocal`, when the window opens (its start time today or, if
 * that has passed, tomorrow), in the zone of `nowLocal` and across DST changes (a start time that
 * does not exist that day moves forward as luxon does). Undefined when no window is set.
 */
export function nextWindowStart(nowLocal: DateTime, window: { start?: string; end?: string }): DateTime | undefined {
  const start = parseTimeHhmm(window.start);
  if (!start || !parseTimeHhmm(window.end)) return undefined;
  const today = nowLocal.set({ hour: start.hour, minute: start.minute, second: 0, millisecond: 0 });
  return today >= nowLocal ? today : nowLocal.plus({ days: 1 }).set({ hour: start.hour, minute: start.minute, second: 0, millisecond: 0 });
}

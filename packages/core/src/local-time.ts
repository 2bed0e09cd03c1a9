import { DateTime } from 'luxon';

/** Wall-clock time in the polling zone; a bad or empty zone name means UTC, as in the original (§2.1). */
export function toLocal(now: Date, timezone: string): DateTime {
  const utc = DateTime.fromJSDate(now, { zone: 'utc' });
  if (!timezone || timezone.trim().toLowerCase() === 'utc') return utc;
  const local = utc.setZone(timezone.trim());
  return local.isValid ? local : utc;
}

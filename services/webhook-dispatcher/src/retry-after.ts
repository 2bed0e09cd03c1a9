const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

// The three HTTP-date forms of RFC 9110 §5.6.7, all in GMT. Written out rather than Date.parse,
// which reads the asctime form in the machine's local zone and accepts much else.
const IMF_FIXDATE = /^[a-z]{3}, (\d{1,2}) ([a-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) gmt$/;
const RFC_850 = /^[a-z]+, (\d{2})-([a-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) gmt$/;
const ASCTIME = /^[a-z]{3} ([a-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/;

/**
 * The wait a `Retry-After` header asks for, in ms: delay-seconds (`120`) or an HTTP-date
 * (`Tue, 13 Jan 2026 09:16:30 GMT`, measured from `now`; a date in the past means 0).
 * Undefined when the header is absent or unreadable, so the normal schedule applies.
 */
export function parseRetryAfter(value: string | readonly string[] | undefined, now: Date): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim().toLowerCase();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) {
    const seconds = Number(raw);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  const at = httpDate(raw);
  return at === undefined ? undefined : Math.max(0, at - now.getTime());
}

function httpDate(v: string): number | undefined {
  let m = IMF_FIXDATE.exec(v);
  if (m) return utc(Number(m[3]), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!);
  m = RFC_850.exec(v);
  // Two-digit years: RFC 9110 reads a year more than 50 years ahead as the past century.
  if (m) return utc(2000 + Number(m[3]), m[2]!, Number(m[1]), m[4]!, m[5]!, m[6]!);
  m = ASCTIME.exec(v);
  if (m) return utc(Number(m[6]), m[1]!, Number(m[2]), m[3]!, m[4]!, m[5]!);
  return undefined;
}

function utc(year: number, monthName: string, day: number, h: string, min: string, s: string): number | undefined {
  const month = MONTHS.indexOf(monthName);
  const t = Date.UTC(year, month, day, Number(h), Number(min), Number(s));
  const d = new Date(t);
  // Refuses 31 Feb, 25:00 and the like instead of rolling them over.
  const valid = month >= 0 && d.getUTCDate() === day && d.getUTCHours() === Number(h) && d.getUTCMinutes() === Number(min) && d.getUTCSeconds() === Number(s);
  return valid ? t : undefined;
}

import { z } from 'zod';

/** Truthy/falsy spellings of the original (`1,true,yes,y,on`), any case, trimmed. */
const TRUE = new Set(['1', 'true', 'yes', 'y', 'on']);
const FALSE = new Set(['0', 'false', 'no', 'n', 'off']);

export const booleanVar = z.string().transform((raw, ctx) => {
  const v = raw.trim().toLowerCase();
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  ctx.addIssue({ code: 'custom', message: `expected a boolean (true/false, 1/0, yes/no, on/off), got "${raw}"` });
  return z.NEVER;
});

export const intVar = (min: number, max: number) =>
  z.string().transform((raw, ctx) => {
    const v = raw.trim();
    const n = /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `expected an integer between ${min} and ${max}, got "${raw}"` });
      return z.NEVER;
    }
    return n;
  });

/** Comma-separated list, trimmed, lower-cased, empties dropped, duplicates removed. */
export const emailListVar = z.string().transform((raw, ctx) => {
  const items = [...new Set(raw.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))];
  const bad = items.filter((s) => !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(s));
  if (bad.length > 0) {
    ctx.addIssue({ code: 'custom', message: `${bad.length} entr${bad.length === 1 ? 'y is' : 'ies are'} not an e-mail address` });
    return z.NEVER;
  }
  return items;
});

/** Comma-separated host names, lower-cased, dots trimmed (`www.Dropbox.com.` → `www.dropbox.com`). */
export const hostListVar = z.string().transform((raw, ctx) => {
  const items = [...new Set(raw.split(',').map((s) => s.trim().toLowerCase().replace(/^\.+|\.+$/g, '')).filter(Boolean))];
  const bad = items.filter((s) => !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(s));
  if (bad.length > 0) {
    ctx.addIssue({ code: 'custom', message: `not host names: ${bad.join(', ')}` });
    return z.NEVER;
  }
  return items;
});

/** The original's POLLING_ACTIVE_DAYS: CSV of 0–6 (0 = Monday); other tokens dropped; empty → Monday–Friday. */
export const weekdayListVar = z.string().transform((raw) => {
  const days = [...new Set(raw.split(',').map((s) => s.trim()).filter((s) => /^\d+$/.test(s)).map(Number).filter((n) => n <= 6))].sort();
  return days.length > 0 ? days : [0, 1, 2, 3, 4];
});

/** `HHhMM` or `HH:MM` (the original's `parse_time_hhmm`), or empty for "not set". */
export const timeOfDayVar = z.string().transform((raw, ctx) => {
  const v = raw.trim();
  if (v === '') return undefined;
  const m = /^(\d{1,2}):(\d{2})$/.exec(v.toLowerCase().replaceAll('h', ':'));
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) {
    ctx.addIssue({ code: 'custom', message: `expected a time such as 09h00 or 18:30, got "${raw}"` });
    return z.NEVER;
  }
  return v;
});

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export const logLevelVar = z
  .string()
  .transform((v) => v.trim().toLowerCase())
  .transform((v) => (v === 'warning' ? 'warn' : v === 'critical' ? 'fatal' : v))
  .pipe(z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }));

export const redisUrlVar = z.string().refine((v) => {
  try {
    return ['redis:', 'rediss:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
}, 'expected a redis:// or rediss:// URL');

/** The original falls back to UTC for `UTC` in any case and for unknown zones; we keep that. */
export function resolveTimezone(raw: string): { zone: string; warning?: string } {
  const v = raw.trim();
  if (v === '' || v.toUpperCase() === 'UTC') return { zone: 'UTC' };
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return { zone: v };
  } catch {
    return { zone: 'UTC', warning: `POLLING_TIMEZONE "${v}" is not an IANA time zone; using UTC` };
  }
}

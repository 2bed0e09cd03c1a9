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

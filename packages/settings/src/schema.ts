import { checkTargetUrl } from '@render-signal/config';
import { parseTimeHhmm } from '@render-signal/core';
import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';
import { normalizeMakeWebhookUrl } from './normalize-make-webhook-url.js';
import { WEEKDAYS, type SettingsPatch, type Weekday } from './settings.js';

export interface SchemaOptions {
  /** RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: http://127.0.0.1 and localhost are accepted as the webhook URL. */
  allowLocalTargets?: boolean;
}

const int = (min: number, max: number) =>
  z.int({ error: `expected an integer between ${min} and ${max}` }).min(min, `expected an integer between ${min} and ${max}`).max(max, `expected an integer between ${min} and ${max}`);

function webhookUrl(options: SchemaOptions) {
  return z.string({ error: 'expected a URL' }).transform((raw, ctx) => {
    if (raw.trim() === '') {
      ctx.addIssue({ code: 'custom', message: 'must not be empty' });
      return z.NEVER;
    }
    const url = normalizeMakeWebhookUrl(raw);
    if (url === null) {
      ctx.addIssue({ code: 'custom', message: 'expected an https:// URL or a Make.com hook (token or token@hook.eu2.make.com)' });
      return z.NEVER;
    }
    const problem = checkTargetUrl(url, options.allowLocalTargets === true);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    // The original's last rule (a host with a dot), kept except for the development loopback names.
    const host = new URL(url).hostname;
    if (!host.includes('.') && !(options.allowLocalTargets && host === 'localhost') && !host.startsWith('[')) {
      ctx.addIssue({ code: 'custom', message: 'host must be a fully qualified name' });
      return z.NEVER;
    }
    return url;
  });
}

/**
 * Secrets come from the environment only: the signing secret is WEBHOOK_SECRET, read at
 * start, never stored in Redis. A patch that carries one is refused by name, value unseen.
 */
const notASetting = (variable: string) => z.never({ error: `secrets are not settings: set ${variable} in the environment and restart` }).optional();

/** `HHhMM` or `HH:MM` as the environment accepts; `""` or null = not set. */
const timeOfDay = z.union([z.string(), z.null()], { error: 'expected a time such as 09h00 or 18:30, or null' }).transform((raw, ctx) => {
  const v = raw?.trim() ?? '';
  if (v === '') return null;
  if (parseTimeHhmm(v) === null) {
    ctx.addIssue({ code: 'custom', message: 'expected a time such as 09h00 or 18:30' });
    return z.NEVER;
  }
  return v;
});

const timezone = z.string({ error: 'expected an IANA time zone' }).transform((raw, ctx) => {
  const v = raw.trim();
  if (v.toUpperCase() === 'UTC') return 'UTC';
  if (v === '' || !IANAZone.isValidZone(v)) {
    ctx.addIssue({ code: 'custom', message: 'expected an IANA time zone such as Europe/Paris' });
    return z.NEVER;
  }
  return v;
});

const weekday = z
  .string({ error: 'expected a weekday name' })
  .transform((v) => v.trim().toLowerCase())
  .pipe(z.enum(WEEKDAYS, { error: 'expected a weekday name (monday … sunday)' }));

const absenceDays = z
  .array(weekday, { error: 'expected a list of weekday names' })
  .transform((days) => WEEKDAYS.filter((d): d is Weekday => days.includes(d)));

const activeDays = z
  .array(int(0, 6), { error: 'expected a list of weekday numbers, 0 = Monday … 6 = Sunday' })
  .transform((days) => {
    const unique = [...new Set(days)].sort((a, b) => a - b);
    // The original's rule: an empty list means Monday to Friday.
    return unique.length > 0 ? unique : [0, 1, 2, 3, 4];
  });

const isoDate = z.union([z.string(), z.null()], { error: 'expected a date YYYY-MM-DD, or null' }).transform((raw, ctx) => {
  const v = raw?.trim() ?? '';
  if (v === '') return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || !DateTime.fromISO(v, { zone: 'utc' }).isValid) {
    ctx.addIssue({ code: 'custom', message: 'expected a date YYYY-MM-DD' });
    return z.NEVER;
  }
  return v;
});

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const email = z
  .string({ error: 'expected an e-mail address' })
  .transform((v) => v.trim().toLowerCase())
  .refine((v) => EMAIL.test(v), 'expected an e-mail address');

const HOST = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;
const hostName = z
  .string({ error: 'expected a host name' })
  .transform((v) => v.trim().toLowerCase().replace(/\.$/, ''))
  .refine((v) => HOST.test(v), 'expected a host name such as dropbox.com (no scheme, port or path)');

const unique = <T>(items: T[]) => [...new Set(items)];

/**
 * The schema of a settings patch (and of what Redis stores): every field optional, unknown fields
 * refused, values normalised (Make.com hooks to URLs, e-mails lower-cased, days sorted).
 */
export function settingsPatchSchema(options: SchemaOptions = {}): z.ZodType<SettingsPatch> {
  const section = <S extends z.core.$ZodLooseShape>(shape: S) => z.strictObject(shape, { error: 'expected an object' }).optional();
  return z.strictObject(
    {
      webhook: section({
        url: webhookUrl(options).optional(),
        secret: notASetting('WEBHOOK_SECRET'),
        sendingEnabled: z.boolean().optional(),
        requireJsonSuccess: z.boolean().optional(),
        timeoutSeconds: int(1, 300).optional(),
        maxAttempts: int(1, 100).optional(),
        retryBaseDelaySeconds: int(1, 3_600).optional(),
        rateLimit: section({ max: int(0, 1_000_000).optional(), windowSeconds: int(1, 86_400).optional() }),
        holdOutsideWindow: z.boolean().optional(),
      }),
      window: section({ start: timeOfDay.optional(), end: timeOfDay.optional() }),
      timezone: timezone.optional(),
      absenceDays: absenceDays.optional(),
      polling: section({
        activeDays: activeDays.optional(),
        activeStartHour: int(0, 23).optional(),
        activeEndHour: int(0, 24).optional(),
        vacationStart: isoDate.optional(),
        vacationEnd: isoDate.optional(),
        enabled: z.boolean().optional(),
      }),
      senderAllowlist: z.array(email, { error: 'expected a list of e-mail addresses' }).transform(unique).optional(),
      providerAllowlist: z.array(hostName, { error: 'expected a list of host names' }).transform(unique).optional(),
      processing: section({ dedupeByMessageId: z.boolean().optional(), sendWithoutLinks: z.boolean().optional() }),
      killSwitches: section({ fetchPaused: z.boolean().optional(), dispatchPaused: z.boolean().optional(), offloadDisabled: z.boolean().optional() }),
    },
    { error: 'expected an object' },
  ) as z.ZodType<SettingsPatch>;
}

import type { Settings } from '@render-signal/settings';

type Form = Record<string, unknown>;

const text = (form: Form, name: string): string => (typeof form[name] === 'string' ? (form[name] as string) : '');
const checked = (form: Form, name: string): boolean => form[name] !== undefined;
/** Several values of one field name (checkboxes): a string when one is ticked, an array when more. */
const many = (form: Form, name: string): string[] => {
  const v = form[name];
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
};
/** Digits become a number; anything else stays as typed, so validation reports it on its field. */
const integer = (form: Form, name: string): number | string => {
  const v = text(form, name).trim();
  return /^-?\d{1,12}$/.test(v) ? Number(v) : v;
};
const lines = (form: Form, name: string): string[] =>
  text(form, name)
    .split(/[\n,;]/)
    .map((l) => l.trim())
    .filter((l) => l !== '');

/**
 * The settings page's form (every field is on it; an unticked checkbox is absent) as a settings
 * patch.
 */
export function formToPatch(form: Form): Record<string, unknown> {
  return {
    webhook: {
      url: text(form, 'webhook.url'),
      sendingEnabled: checked(form, 'webhook.sendingEnabled'),
      requireJsonSuccess: checked(form, 'webhook.requireJsonSuccess'),
      timeoutSeconds: integer(form, 'webhook.timeoutSeconds'),
      maxAttempts: integer(form, 'webhook.maxAttempts'),
      retryBaseDelaySeconds: integer(form, 'webhook.retryBaseDelaySeconds'),
      rateLimit: { max: integer(form, 'webhook.rateLimit.max'), windowSeconds: integer(form, 'webhook.rateLimit.windowSeconds') },
      holdOutsideWindow: checked(form, 'webhook.holdOutsideWindow'),
    },
    window: { start: text(form, 'window.start'), end: text(form, 'window.end') },
    timezone: text(form, 'timezone'),
    absenceDays: many(form, 'absenceDays'),
    polling: {
      activeDays: many(form, 'polling.activeDays').map((d) => (/^\d$/.test(d) ? Number(d) : d)),
      activeStartHour: integer(form, 'polling.activeStartHour'),
      activeEndHour: integer(form, 'polling.activeEndHour'),
      vacationStart: text(form, 'polling.vacationStart'),
      vacationEnd: text(form, 'polling.vacationEnd'),
      enabled: checked(form, 'polling.enabled'),
    },
    senderAllowlist: lines(form, 'senderAllowlist'),
    providerAllowlist: lines(form, 'providerAllowlist'),
    processing: {
      dedupeByMessageId: checked(form, 'processing.dedupeByMessageId'),
      sendWithoutLinks: checked(form, 'processing.sendWithoutLinks'),
    },
    killSwitches: {
      fetchPaused: checked(form, 'killSwitches.fetchPaused'),
      dispatchPaused: checked(form, 'killSwitches.dispatchPaused'),
      offloadDisabled: checked(form, 'killSwitches.offloadDisabled'),
    },
  };
}

/** The values the form shows for stored settings (the reverse of formToPatch). */
export function settingsToForm(s: Settings): Record<string, string | boolean | string[]> {
  return {
    'webhook.url': s.webhook.url,
    'webhook.sendingEnabled': s.webhook.sendingEnabled,
    'webhook.requireJsonSuccess': s.webhook.requireJsonSuccess,
    'webhook.timeoutSeconds': String(s.webhook.timeoutSeconds),
    'webhook.maxAttempts': String(s.webhook.maxAttempts),
    'webhook.retryBaseDelaySeconds': String(s.webhook.retryBaseDelaySeconds),
    'webhook.rateLimit.max': String(s.webhook.rateLimit.max),
    'webhook.rateLimit.windowSeconds': String(s.webhook.rateLimit.windowSeconds),
    'webhook.holdOutsideWindow': s.webhook.holdOutsideWindow,
    'window.start': s.window.start ?? '',
    'window.end': s.window.end ?? '',
    timezone: s.timezone,
    absenceDays: s.absenceDays,
    'polling.activeDays': s.polling.activeDays.map(String),
    'polling.activeStartHour': String(s.polling.activeStartHour),
    'polling.activeEndHour': String(s.polling.activeEndHour),
    'polling.vacationStart': s.polling.vacationStart ?? '',
    'polling.vacationEnd': s.polling.vacationEnd ?? '',
    'polling.enabled': s.polling.enabled,
    senderAllowlist: s.senderAllowlist,
    providerAllowlist: s.providerAllowlist,
    'processing.dedupeByMessageId': s.processing.dedupeByMessageId,
    'processing.sendWithoutLinks': s.processing.sendWithoutLinks,
    'killSwitches.fetchPaused': s.killSwitches.fetchPaused,
    'killSwitches.dispatchPaused': s.killSwitches.dispatchPaused,
    'killSwitches.offloadDisabled': s.killSwitches.offloadDisabled,
  };
}


import { describe, expect, it } from '@jest/globals';
import { parseSettingsPatch, resolveSettings, type FieldError, type Settings } from '../src/index.js';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

function errorsOf(input: unknown, options = {}): FieldError[] {
  const result = parseSettingsPatch(input, options);
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.value)}`);
  return result.errors;
}

const DEFAULTS: Settings = {
  webhook: {
    url: 'https://backend.example.org/inbound',
    sendingEnabled: true,
    requireJsonSuccess: true,
    timeoutSeconds: 30,
    maxAttempts: 10,
    retryBaseDelaySeconds: 5,
    rateLimit: { max: 600, windowSeconds: 60 },
    holdOutsideWindow: false,
  },
  window: {},
  timezone: 'Europe/Paris',
  absenceDays: [],
  polling: { activeDays: [0, 1, 2, 3, 4], activeStartHour: 9, activeEndHour: 23, enabled: true },
  senderAllowlist: [],
  providerAllowlist: ['dropbox.com'],
  processing: { dedupeByMessageId: true, sendWithoutLinks: false },
  killSwitches: { fetchPaused: false, dispatchPaused: false, offloadDisabled: false },
};

describe('parseSettingsPatch', () => {
  it('accepts an empty patch and a full one, normalising values', () => {
    expect(parseSettingsPatch({})).toEqual({ ok: true, value: {} });
    const result = parseSettingsPatch({
      webhook: { url: ' tok3n@hook.eu2.make.com ', sendingEnabled: false, rateLimit: { max: 5 }, holdOutsideWindow: true },
      window: { start: '09h00', end: ' 18:30 ' },
      timezone: 'utc',
      absenceDays: [' Sunday', 'SATURDAY', 'monday', 'sunday'],
      polling: { activeDays: [4, 0, 2, 2], activeStartHour: 8, activeEndHour: 20, vacationStart: '2026-08-01', vacationEnd: '2026-08-15', enabled: true },
      senderAllowlist: [' Planning@Client.Example.com ', 'planning@client.example.com'],
      providerAllowlist: ['Dropbox.com.', 'we.tl'],
      killSwitches: { fetchPaused: true },
    });
    expect(result).toEqual({
      ok: true,
      value: {
        webhook: { url: 'https://hook.eu2.make.com/tok3n', sendingEnabled: false, rateLimit: { max: 5 }, holdOutsideWindow: true },
        window: { start: '09h00', end: '18:30' },
        timezone: 'UTC',
        absenceDays: ['monday', 'saturday', 'sunday'],
        polling: { activeDays: [0, 2, 4], activeStartHour: 8, activeEndHour: 20, vacationStart: '2026-08-01', vacationEnd: '2026-08-15', enabled: true },
        senderAllowlist: ['planning@client.example.com'],
        providerAllowlist: ['dropbox.com', 'we.tl'],
        killSwitches: { fetchPaused: true },
      },
    });
  });

  it('reads JSON text, and reports garbage as an error of the whole document', () => {
    expect(parseSettingsPatch('{"timezone":"Europe/Berlin"}')).toEqual({ ok: true, value: { timezone: 'Europe/Berlin' } });
    expect(errorsOf('{"timezone":')).toEqual([{ path: '', message: 'is not valid JSON' }]);
    expect(errorsOf('[1,2]')).toEqual([{ path: '', message: 'expected an object' }]);
    expect(errorsOf(null)).toEqual([{ path: '', message: 'expected an object' }]);
  });

  it.each([
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    ['http://backend.example.org/hook', 'must use https'],
    ['http://', 'is not a valid URL'],
    ['https://', 'is not a valid URL'],
    ['ftp://files.example.org/hook', 'expected an https:// URL'],
    ['https://user:pw@backend.example.org/hook', 'must not contain credentials'],
    ['https://10.0.0.7/hook', 'private or loopback'],
    ['https://127.0.0.1/hook', 'private or loopback'],
    ['https://localhost/hook', 'private or loopback'],
    ['https://intranet/hook', 'fully qualified'],
    ['not a url', 'expected an https:// URL'],
  ])('refuses the webhook URL %j', (url, message) => {
    const errors = errorsOf({ webhook: { url } });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.path).toBe('webhook.url');
    expect(errors[0]!.message).toContain(message);
  });

  it('accepts loopback http only with allowLocalTargets', () => {
    expect(parseSettingsPatch({ webhook: { url: 'http://127.0.0.1:8080/hook' } }, { allowLocalTargets: true }).ok).toBe(true);
    expect(parseSettingsPatch({ webhook: { url: 'http://localhost:8080/hook' } }, { allowLocalTargets: true }).ok).toBe(true);
    expect(errorsOf({ webhook: { url: 'http://192.168.1.10/hook' } }, { allowLocalTargets: true })[0]!.path).toBe('webhook.url');
    expect(errorsOf({ webhook: { url: 'http://127.0.0.1:8080/hook' } })[0]!.path).toBe('webhook.url');
  });

  it('names every unknown field', () => {
    expect(errorsOf({ webhok: {}, webhook: { urll: 'x' }, killSwitches: { everything: true } })).toEqual(
      expect.arrayContaining([
        { path: 'webhok', message: 'unknown field' },
        { path: 'webhook.urll', message: 'unknown field' },
        { path: 'killSwitches.everything', message: 'unknown field' },
      ]),
    );
  });

  it('gives one error per bad field, with its path', () => {
    const errors = errorsOf({
      webhook: { timeoutSeconds: 0, maxAttempts: 2.5, sendingEnabled: 'yes', secret: 'hunter2', rateLimit: { windowSeconds: -1 } },
      window: { start: '24:00' },
      timezone: 'Mars/Olympus',
      absenceDays: ['monday', 'funday'],
      polling: { activeDays: [7], activeStartHour: 24, vacationStart: '2026-02-30' },
      senderAllowlist: ['not-an-address'],
      providerAllowlist: ['https://dropbox.com/'],
    });
    expect(errors.map((e) => e.path).sort()).toEqual(
      [
        'absenceDays.1',
        'polling.activeDays.0',
        'polling.activeStartHour',
        'polling.vacationStart',
        'providerAllowlist.0',
        'senderAllowlist.0',
        'timezone',
        'webhook.maxAttempts',
        'webhook.rateLimit.windowSeconds',
        'webhook.secret',
        'webhook.sendingEnabled',
        'webhook.timeoutSeconds',
        'window.start',
      ].sort(),
    );
    // A refused secret is never echoed back.
    expect(JSON.stringify(errors)).not.toContain('hunter2');
  });

  it('refuses a signing secret, valid or not, set or cleared: secrets come from the environment only', () => {
    for (const secret of [SECRET, null, '']) {
      expect(errorsOf({ webhook: { secret } })).toEqual([{ path: 'webhook.secret', message: 'secrets are not settings: set WEBHOOK_SECRET in the environment and restart' }]);
    }
    expect(JSON.stringify(errorsOf({ webhook: { secret: SECRET } }))).not.toContain(SECRET.slice(6, 20));
  });

  it('keeps null as "not set" and "" as null for optional fields', () => {
    expect(parseSettingsPatch({ window: { start: '', end: null }, polling: { vacationStart: null } })).toEqual({
      ok: true,
      value: { window: { start: null, end: null }, polling: { vacationStart: null } },
    });
  });

  it('an empty list of polling days means Monday to Friday, as in the original', () => {
    expect(parseSettingsPatch({ polling: { activeDays: [] } })).toEqual({ ok: true, value: { polling: { activeDays: [0, 1, 2, 3, 4] } } });
  });
});

describe('resolveSettings', () => {
  it('puts the stored values over the defaults; null unsets an optional field', () => {
    const withWindow = { ...DEFAULTS, window: { start: '09h00', end: '18h00' } };
    const result = resolveSettings(withWindow, { window: { start: null, end: null }, webhook: { maxAttempts: 3 }, absenceDays: ['sunday'] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.settings.window).toEqual({});
    expect(result.value.settings.webhook).toEqual({ ...DEFAULTS.webhook, maxAttempts: 3 });
    expect(result.value.settings.absenceDays).toEqual(['sunday']);
    expect(result.value.settings.polling).toEqual(DEFAULTS.polling);
  });

  it('wants both ends of the window, or neither', () => {
    expect(resolveSettings(DEFAULTS, { window: { start: '09h00' } })).toEqual({
      ok: false,
      errors: [{ path: 'window.end', message: 'set both start and end, or neither (an open window)' }],
    });
    expect(resolveSettings({ ...DEFAULTS, window: { start: '09h00', end: '18h00' } }, { window: { end: null } })).toEqual({
      ok: false,
      errors: [{ path: 'window.end', message: 'set both start and end, or neither (an open window)' }],
    });
  });

  it('refuses a vacation that ends before it starts', () => {
    expect(resolveSettings(DEFAULTS, { polling: { vacationStart: '2026-08-15', vacationEnd: '2026-08-01' } })).toEqual({
      ok: false,
      errors: [{ path: 'polling.vacationEnd', message: 'must not be before vacationStart' }],
    });
    expect(resolveSettings(DEFAULTS, { polling: { vacationStart: '2026-08-15' } }).ok).toBe(true);
  });

  it('does not change the defaults it is given', () => {
    const defaults = structuredClone(DEFAULTS);
    resolveSettings(defaults, { webhook: { rateLimit: { max: 1 } }, senderAllowlist: ['a@b.example'] });
    expect(defaults).toEqual(DEFAULTS);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '@render-signal/config';
import { resolveSettings, SETTINGS_FIELDS, settingsDefaultsFromConfig, settingsFieldTable, type Settings } from '../src/index.js';

function leafPaths(value: unknown, path = ''): string[] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => leafPaths(v, path ? `${path}.${k}` : k));
  }
  return [path];
}

const config = loadConfig({
  WEBHOOK_URL: 'https://backend.example.org/inbound',
  WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
  WEBHOOKS_TIME_START: '09h00',
  WEBHOOKS_TIME_END: '19h00',
  SENDER_OF_INTEREST_FOR_POLLING: 'planning@client.example.com',
});

describe('settings fields', () => {
  it('documents every field of Settings', () => {
    const full: Settings = { ...settingsDefaultsFromConfig(config) };
    full.polling = { ...full.polling, vacationStart: '2026-08-01', vacationEnd: '2026-08-02' };
    expect(SETTINGS_FIELDS.map((f) => f.path).sort()).toEqual(leafPaths(full).sort());
  });

  it('has its table in the package README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(settingsFieldTable());
  });
});

describe('settingsDefaultsFromConfig', () => {
  it('takes every default from the environment and validates as it is', () => {
    const defaults = settingsDefaultsFromConfig(config);
    expect(defaults.webhook).toMatchObject({ url: 'https://backend.example.org/inbound', timeoutSeconds: 30, maxAttempts: 10, retryBaseDelaySeconds: 5 });
    // The signing secret stays in the environment: never a setting, so never stored in Redis.
    expect(JSON.stringify(defaults)).not.toContain('whsec_');
    expect(defaults.window).toEqual({ start: '09h00', end: '19h00' });
    expect(defaults.timezone).toBe('Europe/Paris');
    expect(defaults.senderAllowlist).toEqual(['planning@client.example.com']);
    expect(defaults.polling).toEqual({ activeDays: [0, 1, 2, 3, 4], activeStartHour: 9, activeEndHour: 23, enabled: true });
    expect(defaults.providerAllowlist).toEqual(config.r2.allowedHosts);
    expect(resolveSettings(defaults, {})).toEqual({ ok: true, value: { settings: defaults, stored: {} } });
  });

  it('leaves unset optional fields absent', () => {
    const defaults = settingsDefaultsFromConfig(loadConfig({}));
    expect(defaults.window).toEqual({});
    expect(defaults.webhook.url).toBe('');
  });
});

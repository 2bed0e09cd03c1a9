import { describe, expect, it } from '@jest/globals';
import { diffSettings, maskActor, withoutSecrets, type Settings } from '../src/index.js';

const SECRET = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;

const before: Settings = {
  webhook: {
    url: 'https://backend.example.org/hooks/s3cr3t-path',
    secret: SECRET,
    sendingEnabled: true,
    requireJsonSuccess: true,
    timeoutSeconds: 30,
    maxAttempts: 10,
    retryBaseDelaySeconds: 5,
    rateLimit: { max: 0, windowSeconds: 60 },
    holdOutsideWindow: false,
  },
  window: {},
  timezone: 'Europe/Paris',
  absenceDays: [],
  polling: { activeDays: [0, 1, 2, 3, 4], activeStartHour: 9, activeEndHour: 23, enabled: true },
  senderAllowlist: ['planning@client.example.com'],
  providerAllowlist: ['dropbox.com'],
  processing: { dedupeByMessageId: true, sendWithoutLinks: false },
  killSwitches: { fetchPaused: false, dispatchPaused: false, offloadDisabled: false },
};

describe('diffSettings', () => {
  it('lists changed leaves with masked values', () => {
    const after = structuredClone(before);
    after.webhook.url = 'https://hook.eu2.make.com/tok3n-secret';
    after.webhook.secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
    after.webhook.rateLimit.max = 5;
    after.window = { start: '09h00', end: '18h00' };
    after.senderAllowlist = ['planning@client.example.com', 'boss@client.example.com'];
    after.killSwitches.dispatchPaused = true;

    const changes = diffSettings(before, after);
    expect(changes).toEqual([
      { path: 'webhook.url', old: 'https://backend.example.org', new: 'https://hook.eu2.make.com' },
      { path: 'webhook.secret', old: '[secret]', new: '[secret]' },
      { path: 'webhook.rateLimit.max', old: 0, new: 5 },
      { path: 'window.start', old: null, new: '09h00' },
      { path: 'window.end', old: null, new: '18h00' },
      { path: 'senderAllowlist', old: ['p***@client.example.com'], new: ['p***@client.example.com', 'b***@client.example.com'] },
      { path: 'killSwitches.dispatchPaused', old: false, new: true },
    ]);
    const text = JSON.stringify(changes);
    for (const clear of ['s3cr3t-path', 'tok3n-secret', 'whsec_', 'planning@', 'boss@']) expect(text).not.toContain(clear);
  });

  it('is empty when nothing changed', () => {
    expect(diffSettings(before, structuredClone(before))).toEqual([]);
  });
});

describe('masking helpers', () => {
  it('masks an e-mail address used as the author', () => {
    expect(maskActor('admin')).toBe('admin');
    expect(maskActor('owner@studio.example.com')).toBe('o***@studio.example.com');
  });

  it('withoutSecrets hides the signing secret only', () => {
    const shown = withoutSecrets(before);
    expect(shown.webhook.secret).toBe('[secret]');
    expect(shown.webhook.url).toBe(before.webhook.url);
    expect(before.webhook.secret).toBe(SECRET);
  });
});

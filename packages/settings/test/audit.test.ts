import { describe, expect, it } from '@jest/globals';
import { diffSettings, maskActor, type Settings } from '../src/index.js';

const before: Settings = {
  webhook: {
    url: 'https://backend.example.org/hooks/s3cr3t-path',
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
    after.webhook.rateLimit.max = 5;
    after.window = { start: '09h00', end: '18h00' };
    after.senderAllowlist = ['planning@client.example.com', 'boss@client.example.com'];
    after.killSwitches.dispatchPaused = true;

    const changes = diffSettings(before, after);
    expect(changes).toEqual([
      { path: 'webhook.url', old: 'https://backend.example.org', new: 'https://hook.eu2.make.com' },
      { path: 'webhook.rateLimit.max', old: 0, new: 5 },
      { path: 'window.start', old: null, new: '09h00' },
      { path: 'window.end', old: null, new: '18h00' },
      { path: 'senderAllowlist', old: ['p***@client.example.com'], new: ['p***@client.example.com', 'b***@client.example.com'] },
      { path: 'killSwitches.dispatchPaused', old: false, new: true },
    ]);
    const text = JSON.stringify(changes);
    for (const clear of ['s3cr3t-path', 'tok3n-secret', 'planning@', 'boss@']) expect(text).not.toContain(clear);
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
});

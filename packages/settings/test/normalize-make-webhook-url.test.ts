import { describe, expect, it } from '@jest/globals';
import { normalizeMakeWebhookUrl } from '../src/index.js';

describe('normalizeMakeWebhookUrl (the original normalize_make_webhook_url)', () => {
  it.each([
    ['https://backend.example.org/hook', 'https://backend.example.org/hook'],
    ['  https://backend.example.org/hook  ', 'https://backend.example.org/hook'],
    ['http://backend.example.org/hook', 'http://backend.example.org/hook'],
    ['HTTPS://backend.example.org/hook', 'HTTPS://backend.example.org/hook'],
    ['abc123xyz@hook.eu2.make.com', 'https://hook.eu2.make.com/abc123xyz'],
    ['abc123xyz', 'https://hook.eu2.make.com/abc123xyz'],
    [' abc123xyz ', 'https://hook.eu2.make.com/abc123xyz'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeMakeWebhookUrl(input)).toBe(expected);
  });

  it.each(['', '   ', 'ftp://files.example.org/x', 'backend.example.org/hook', 'two words', 'someone@example.org', '@hook.eu2.make.com', '//backend.example.org'])(
    '%j is not a webhook URL',
    (input) => {
      expect(normalizeMakeWebhookUrl(input)).toBeNull();
    },
  );
});

import { describe, expect, it } from '@jest/globals';
import { hashPassword, verifyPassword } from '../src/auth/password.js';
import { safeNext } from '../src/auth/security.js';
import { formToPatch, settingsToForm } from '../src/settings-form.js';
import { escapeHtml, html } from '../src/views/html.js';

describe('verifyPassword', () => {
  it('compares a plain password exactly and a scrypt hash by derivation', async () => {
    expect(await verifyPassword('plain password 1', 'plain password 1')).toBe(true);
    expect(await verifyPassword('plain password 1', 'plain password 2')).toBe(false);
    expect(await verifyPassword('plain password 1', '')).toBe(false);
    const hash = await hashPassword('s3cret passphrase', { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword(hash, 's3cret passphrase')).toBe(true);
    expect(await verifyPassword(hash, 'S3cret passphrase')).toBe(false);
    // Two hashes of one password differ (random salt).
    expect(await hashPassword('x'.repeat(12), { N: 1024, r: 8, p: 1 })).not.toBe(await hashPassword('x'.repeat(12), { N: 1024, r: 8, p: 1 }));
  });

  it('never accepts anything against a malformed hash', async () => {
    const hash = await hashPassword('s3cret passphrase', { N: 1024, r: 8, p: 1 });
    const [, n, r, p, salt, key] = hash.split(':');
    for (const bad of [`scrypt:${n}:${r}:${p}:${salt}`, `scrypt:1000:${r}:${p}:${salt}:${key}`, `scrypt:${n}:${r}:${p}:${salt}:${key!.slice(2)}`, 'scrypt:', `scrypt:${n}:x:${p}:${salt}:${key}`]) {
      expect(await verifyPassword(bad, 's3cret passphrase')).toBe(false);
      expect(await verifyPassword(bad, bad)).toBe(false);
    }
  });
});

describe('safeNext', () => {
  it('keeps local paths and turns everything else into /', () => {
    expect(safeNext('/settings?x=1#y')).toBe('/settings?x=1#y');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', 'evil', '', undefined, ['/a'], '/a\r\nSet-Cookie: x=1']) expect(safeNext(bad)).toBe('/');
  });
});

describe('html', () => {
  it('escapes interpolated text, not nested html', () => {
    const name = `<script>alert("x")</script>&'`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(`<p title="${escapeHtml(name)}">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>`);
    expect(html`<ul>${['a', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.value).toBe('<ul><li>a</li><li>b</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
  });
});

describe('the settings form', () => {
  const settings = {
    webhook: { url: 'https://hooks.example.com/x', sendingEnabled: true, requireJsonSuccess: false, timeoutSeconds: 30, maxAttempts: 10, retryBaseDelaySeconds: 5, rateLimit: { max: 600, windowSeconds: 60 }, holdOutsideWindow: true },
    window: { start: '09h00' },
    timezone: 'Europe/Paris',
    absenceDays: ['sunday' as const],
    polling: { activeDays: [0, 1], activeStartHour: 9, activeEndHour: 23, enabled: true },
    senderAllowlist: ['a@example.com', 'b@example.com'],
    providerAllowlist: ['dropbox.com'],
    processing: { dedupeByMessageId: true, sendWithoutLinks: false },
    killSwitches: { fetchPaused: false, dispatchPaused: true, offloadDisabled: false },
  };

  it('round-trips the settings through what a browser posts (unticked boxes absent, lists as lines)', () => {
    const posted: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(settingsToForm(settings))) {
      if (v === false) continue;
      posted[k] = v === true ? 'on' : ['senderAllowlist', 'providerAllowlist'].includes(k) ? (v as string[]).join('\r\n') : v;
    }
    expect(formToPatch(posted)).toEqual({ ...settings, window: { start: '09h00', end: '' }, polling: { ...settings.polling, vacationStart: '', vacationEnd: '' } });
  });

  it('passes what is not a number through as typed, so validation names the field', () => {
    const patch = formToPatch({ 'webhook.timeoutSeconds': 'thirty' }) as { webhook: Record<string, unknown> };
    expect(patch.webhook['timeoutSeconds']).toBe('thirty');
  });
});

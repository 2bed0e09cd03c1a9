import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, startDashboard, type TestDashboard } from './support.js';

describe('settings through the dashboard', () => {
  let d: TestDashboard;
  let client: Client;
  let token: string;
  beforeAll(async () => {
    d = await startDashboard();
    client = new Client(d.url);
    await client.login();
    token = await client.csrf('/settings');
  });
  afterAll(() => d?.stop());

  const put = (body: unknown) => client.request('PUT', '/api/settings', { json: body, headers: { 'x-csrf-token': token } });
  const current = async () => (await client.request('GET', '/api/settings')).json<{ version: number; settings: { webhook: { url: string; secret?: string } } }>();

  it('refuses bad webhook URLs and garbage with field-level errors, and changes nothing', async () => {
    const before = await current();
    expect(before.version).toBe(0);
    const cases: [string, unknown, string][] = [
      ['empty', { webhook: { url: '' } }, 'webhook.url'],
      ['plain http', { webhook: { url: 'http://hooks.example.com/in' } }, 'webhook.url'],
      ['ftp', { webhook: { url: 'ftp://hooks.example.com/in' } }, 'webhook.url'],
      ['private address literal', { webhook: { url: 'https://10.0.0.8/in' } }, 'webhook.url'],
      ['name resolving to a private address', { webhook: { url: 'https://db.internal.example/in' } }, 'webhook.url'],
      ['unknown field', { webhook: { urll: 'https://hooks.example.com/x' } }, 'webhook.urll'],
      ['wrong type', { absenceDays: 'monday' }, 'absenceDays'],
      ['bad hour', { polling: { activeStartHour: 25 } }, 'polling.activeStartHour'],
    ];
    for (const [name, patch, path] of cases) {
      const answer = await put({ expectedVersion: 0, patch });
      const errors = answer.status === 400 ? answer.json<{ errors: { path: string; message: string }[] }>().errors : [];
      expect(`${name}: ${answer.status} ${errors.map((e) => e.path).join(',')}`).toBe(`${name}: 400 ${path}`);
      expect(errors[0]!.message.length).toBeGreaterThan(5);
    }
    // Not JSON at all.
    const garbage = await client.request('PUT', '/api/settings', { json: '{"expectedVersion": 0, "patch": {', headers: { 'x-csrf-token': token } });
    expect(garbage.status).toBe(400);
    expect(garbage.json<{ errors: { message: string }[] }>().errors[0]!.message).toMatch(/JSON/);
    // No version, or a patch that is not an object.
    expect((await put({ patch: {} })).json<{ errors: { path: string }[] }>().errors[0]!.path).toBe('expectedVersion');
    expect((await put({ expectedVersion: 0, patch: [1, 2] })).status).toBe(400);

    expect(await current()).toEqual(before);
    expect(await d.redis.exists(`${d.prefix}:settings`)).toBe(0);
  });

  it('of two edits based on the same version, one is saved and the other gets 409', async () => {
    const base = (await current()).version;
    const [a, b] = await Promise.all([
      put({ expectedVersion: base, patch: { webhook: { url: 'https://a.example.com/hook' } } }),
      put({ expectedVersion: base, patch: { webhook: { url: 'https://b.example.com/hook' } } }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.json<{ currentVersion: number }>().currentVersion).toBe(base + 1);
    const winner = a.status === 200 ? 'https://a.example.com/hook' : 'https://b.example.com/hook';
    expect((await current()).settings.webhook.url).toBe(winner);
    // The audit trail names who changed what, the URL reduced to its origin.
    const audit = (await client.request('GET', '/api/settings/audit')).json<{ entries: { version: number; updatedBy: string; changes: { path: string; new: unknown }[] }[] }>();
    expect(audit.entries[0]).toMatchObject({ version: base + 1, updatedBy: 'admin', changes: [{ path: 'webhook.url', new: winner.replace('/hook', '') }] });
  });

  it('refuses a signing secret by name and saves nothing: secrets come from the environment only', async () => {
    const { version } = await current();
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const refused = await put({ expectedVersion: version, patch: { webhook: { secret, sendingEnabled: false } } });
    expect(refused.status).toBe(400);
    expect(refused.json<{ errors: { path: string; message: string }[] }>().errors).toEqual([
      { path: 'webhook.secret', message: 'secrets are not settings: set WEBHOOK_SECRET in the environment and restart' },
    ]);
    expect(refused.text).not.toContain(secret.slice(6));
    expect(await current()).toMatchObject({ version, settings: { webhook: { sendingEnabled: true } } });
    expect('secret' in (await current()).settings.webhook).toBe(false);
    // The page says where the signature comes from (this dashboard runs without WEBHOOK_SECRET).
    expect((await client.request('GET', '/settings')).text).toContain('webhooks are sent unsigned (WEBHOOK_SECRET is not set)');
  });

  it('the settings form saves a whole valid form, and shows errors beside the fields of a bad one without saving', async () => {
    const page = await client.request('GET', '/settings');
    const version = Number(/name="expectedVersion" value="(\d+)"/.exec(page.text)![1]);
    const form = {
      _csrf: token,
      expectedVersion: String(version),
      'webhook.url': 'https://hooks.example.com/render',
      'webhook.sendingEnabled': 'on',
      'webhook.requireJsonSuccess': 'on',
      'webhook.timeoutSeconds': '20',
      'webhook.maxAttempts': '8',
      'webhook.retryBaseDelaySeconds': '5',
      'webhook.rateLimit.max': '600',
      'webhook.rateLimit.windowSeconds': '60',
      'window.start': '08h30',
      'window.end': '18:00',
      timezone: 'Europe/Paris',
      absenceDays: ['saturday', 'sunday'],
      'polling.enabled': 'on',
      'polling.activeDays': ['0', '1', '2', '3', '4'],
      'polling.activeStartHour': '8',
      'polling.activeEndHour': '20',
      'polling.vacationStart': '2026-12-24',
      'polling.vacationEnd': '2027-01-02',
      senderAllowlist: 'Planning@Client.example.com\nother@client.example.com',
      providerAllowlist: 'dropbox.com\nwetransfer.com',
      'killSwitches.offloadDisabled': 'on',
    };
    const bad = await client.request('POST', '/settings', { form: { ...form, 'webhook.url': 'http://hooks.example.com/x', 'polling.activeEndHour': 'late' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="webhook.url-error">[^<]*https/);
    expect(bad.text).toContain('id="polling.activeEndHour-error"');
    // What was typed is shown again, not lost.
    expect(bad.text).toContain('value="http://hooks.example.com/x"');
    expect((await current()).version).toBe(version);

    const ok = await client.request('POST', '/settings', { form });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/settings?notice=saved');
    const saved = (await client.request('GET', '/api/settings')).json<{ version: number; settings: Record<string, unknown> }>();
    expect(saved.version).toBe(version + 1);
    expect(saved.settings).toMatchObject({
      webhook: { url: 'https://hooks.example.com/render', timeoutSeconds: 20, maxAttempts: 8, holdOutsideWindow: false },
      window: { start: '08h30', end: '18:00' },
      absenceDays: ['saturday', 'sunday'],
      polling: { activeDays: [0, 1, 2, 3, 4], activeStartHour: 8, activeEndHour: 20, vacationStart: '2026-12-24', vacationEnd: '2027-01-02', enabled: true },
      senderAllowlist: ['planning@client.example.com', 'other@client.example.com'],
      killSwitches: { fetchPaused: false, dispatchPaused: false, offloadDisabled: true },
    });

    // A stale form (the version it was based on has moved) is not applied: 409 and the new values shown.
    const stale = await client.request('POST', '/settings', { form: { ...form, 'webhook.url': 'https://stale.example.com/x' } });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Someone else saved the settings meanwhile');
    expect((await current()).settings.webhook.url).toBe('https://hooks.example.com/render');

    // Clearing the vacation (the original could not clear it).
    const cleared = await client.request('POST', '/settings', { form: { ...form, expectedVersion: String(version + 1), 'polling.vacationStart': '', 'polling.vacationEnd': '' } });
    expect(cleared.status).toBe(303);
    const after = (await client.request('GET', '/api/settings')).json<{ settings: { polling: Record<string, unknown>; webhook: Record<string, unknown> } }>().settings;
    expect(after.polling['vacationStart']).toBeUndefined();
  });
});

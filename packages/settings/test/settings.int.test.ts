import { once } from 'node:events';
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig, type ResolveHost } from '@render-signal/config';
import { createLogger } from '@render-signal/logger';
import { deleteKeys, testRedisUrl, uniquePrefix } from '@render-signal/testing';
import { Redis } from 'ioredis';
import {
  createSettingsReader,
  createSettingsStore,
  settingsDefaultsFromConfig,
  settingsKeys,
  type SettingsChangeEvent,
  type SettingsReader,
  type SettingsStore,
} from '../src/index.js';

const ENV_SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const NEW_SECRET = `whsec_${Buffer.alloc(32, 2).toString('base64')}`;
const defaults = settingsDefaultsFromConfig(
  loadConfig({ WEBHOOK_URL: 'https://backend.example.org/inbound', WEBHOOK_SECRET: ENV_SECRET, SENDER_OF_INTEREST_FOR_POLLING: 'planning@client.example.com' }),
);

const DNS: Record<string, string[]> = {
  'hooks.example.org': ['93.184.216.34'],
  'hook.eu2.make.com': ['2606:4700:4700::1111', '93.184.216.35'],
  'internal.example.org': ['10.0.0.5'],
  'metadata.example.org': ['93.184.216.36', '169.254.169.254'],
};
const resolveHost: ResolveHost = async (host) => {
  const found = DNS[host];
  if (!found) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
  return found;
};

/** Log lines as objects, and an event per line so a test can wait for a code. */
function capturedLog() {
  const lines: Array<Record<string, unknown>> = [];
  const events = new EventEmitter();
  const destination = new Writable({
    write(chunk, _enc, done) {
      const line = JSON.parse(String(chunk)) as Record<string, unknown>;
      lines.push(line);
      events.emit(String(line['code']), line);
      done();
    },
  });
  return { log: createLogger({ service: 'test', level: 'debug', destination }), lines, events };
}

function nextChange(reader: SettingsReader): Promise<SettingsChangeEvent> {
  return new Promise((resolve) => {
    const off = reader.onChange((event) => {
      off();
      resolve(event);
    });
  });
}

describe('settings in Redis', () => {
  let redis: Redis;
  let prefix: string;
  let store: SettingsStore;
  const readers: SettingsReader[] = [];

  beforeAll(() => {
    redis = new Redis(testRedisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(() => {
    prefix = uniquePrefix('settings');
    store = createSettingsStore({ redis, prefix, defaults, resolveHost });
  });
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.close()));
    await deleteKeys(testRedisUrl(), prefix);
  });

  async function reader(options: { checkIntervalMs?: number } = {}) {
    const captured = capturedLog();
    const r = await createSettingsReader({ redis, prefix, defaults, log: captured.log, checkIntervalMs: options.checkIntervalMs ?? 60_000 });
    readers.push(r);
    return { reader: r, ...captured };
  }

  it('starts from the environment, and stores a validated, normalised patch with a new version', async () => {
    const before = await store.read();
    expect(before).toMatchObject({ ok: true, version: 0, stored: {}, settings: defaults });

    const result = await store.update({
      patch: { webhook: { url: 'tok3n@hook.eu2.make.com', maxAttempts: 3 }, absenceDays: ['Sunday'] },
      expectedVersion: 0,
      updatedBy: 'admin',
    });
    expect(result).toMatchObject({ status: 'updated', version: 1 });

    const after = await store.read();
    expect(after).toMatchObject({ ok: true, version: 1, updatedBy: 'admin' });
    if (!after.ok) return;
    expect(after.stored).toEqual({ webhook: { url: 'https://hook.eu2.make.com/tok3n', maxAttempts: 3 }, absenceDays: ['sunday'] });
    expect(after.settings.webhook).toEqual({ ...defaults.webhook, url: 'https://hook.eu2.make.com/tok3n', maxAttempts: 3 });

    // a second patch merges over the first
    await store.update({ patch: { webhook: { maxAttempts: 4 } }, expectedVersion: 1, updatedBy: 'admin' });
    const merged = await store.read();
    expect(merged.ok && merged.settings.webhook.url).toBe('https://hook.eu2.make.com/tok3n');
    expect(merged.ok && merged.settings.webhook.maxAttempts).toBe(4);
    expect(merged.ok && merged.settings.absenceDays).toEqual(['sunday']);
  });

  it('refuses bad writes with field errors and changes nothing', async () => {
    await store.update({ patch: { webhook: { url: 'https://hooks.example.org/in' } }, expectedVersion: 0, updatedBy: 'admin' });
    const key = settingsKeys(prefix);
    const snapshot = async () => ({ record: await redis.hgetall(key.record), audit: await redis.xlen(key.audit) });
    const before = await snapshot();

    const cases: Array<[unknown, string, string]> = [
      [{ webhook: { url: '' } }, 'webhook.url', 'must not be empty'],
      [{ webhook: { url: 'http://' } }, 'webhook.url', 'is not a valid URL'],
      [{ webhook: { url: 'http://hooks.example.org/in' } }, 'webhook.url', 'must use https'],
      [{ webhook: { url: 'ftp://hooks.example.org/in' } }, 'webhook.url', 'expected an https:// URL'],
      [{ webhook: { url: 'https://internal.example.org/in' } }, 'webhook.url', 'resolves to a private, loopback or link-local address'],
      [{ webhook: { url: 'https://metadata.example.org/in' } }, 'webhook.url', 'resolves to a private, loopback or link-local address'],
      [{ webhook: { url: 'https://unknown.example.org/in' } }, 'webhook.url', 'host name does not resolve'],
      [{ webhook: { url: 'https://169.254.169.254/latest' } }, 'webhook.url', 'points at a private or loopback address'],
      ['{"webhook": {"url": ', '', 'is not valid JSON'],
      [{ webhook: { url: 'https://hooks.example.org/in', retries: 3 } }, 'webhook.retries', 'unknown field'],
      [{ windows: {} }, 'windows', 'unknown field'],
      [{ window: { start: '25h00', end: '26h00' } }, 'window.start', 'expected a time such as 09h00 or 18:30'],
      [{ timezone: 'Europe/Nowhere' }, 'timezone', 'expected an IANA time zone such as Europe/Paris'],
    ];
    for (const [patch, path, message] of cases) {
      const result = await store.update({ patch, expectedVersion: 1, updatedBy: 'admin' });
      expect(result.status).toBe('invalid');
      if (result.status !== 'invalid') continue;
      expect(result.errors).toContainEqual({ path, message: expect.stringContaining(message) });
    }
    expect(await snapshot()).toEqual(before);
  });

  it('lets exactly one of two writers with the same expected version win', async () => {
    const [a, b] = await Promise.all([
      store.update({ patch: { webhook: { maxAttempts: 2 } }, expectedVersion: 0, updatedBy: 'alice' }),
      store.update({ patch: { webhook: { maxAttempts: 7 } }, expectedVersion: 0, updatedBy: 'bob' }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual(['conflict', 'updated']);
    const loser = a.status === 'conflict' ? a : b;
    expect(loser).toEqual({ status: 'conflict', currentVersion: 1 });
    const stored = await store.read();
    expect(stored.version).toBe(1);
    expect(stored.ok && stored.settings.webhook.maxAttempts).toBe(a.status === 'updated' ? 2 : 7);
    expect(await redis.xlen(settingsKeys(prefix).audit)).toBe(1);

    // a stale version is a conflict too
    expect(await store.update({ patch: { timezone: 'UTC' }, expectedVersion: 0, updatedBy: 'alice' })).toEqual({ status: 'conflict', currentVersion: 1 });
  });

  it('lets a reader see a write without a restart (notification)', async () => {
    const { reader: r, lines } = await reader();
    expect(r.current()).toEqual(defaults);
    expect(r.version()).toBe(0);

    const changed = nextChange(r);
    await store.update({ patch: { webhook: { sendingEnabled: false }, killSwitches: { dispatchPaused: true } }, expectedVersion: 0, updatedBy: 'admin' });
    const event = await changed;
    expect(event).toMatchObject({ version: 1, previousVersion: 0 });
    expect(event.settings.webhook.sendingEnabled).toBe(false);
    expect(r.current().killSwitches.dispatchPaused).toBe(true);
    expect(lines.some((l) => l['code'] === 'settings.changed' && l['version'] === 1)).toBe(true);
    expect(() => {
      (r.current().webhook as { maxAttempts: number }).maxAttempts = 1;
    }).toThrow(TypeError);
  });

  it('finds a change whose notification was missed, by the version check', async () => {
    const { reader: r } = await reader({ checkIntervalMs: 20 });
    const changed = nextChange(r);
    // written behind the store's back: no notification is published
    await redis.hset(settingsKeys(prefix).record, 'version', '5', 'updatedAt', new Date().toISOString(), 'updatedBy', 'redis-cli', 'data', '{"timezone":"UTC"}');
    const event = await changed;
    expect(event.version).toBe(5);
    expect(r.current().timezone).toBe('UTC');
  });

  it('keeps the last good values when garbage is stored, logs it once, and a write repairs it', async () => {
    await store.update({ patch: { webhook: { maxAttempts: 3 } }, expectedVersion: 0, updatedBy: 'admin' });
    const { reader: r, lines, events } = await reader();
    expect(r.current().webhook.maxAttempts).toBe(3);
    const key = settingsKeys(prefix);

    let logged = once(events, 'settings.invalid_stored');
    await redis.hset(key.record, 'version', '2', 'data', '{"webhook": {"maxAttempts": 3');
    await redis.publish(key.changed, '2');
    await logged;
    expect(r.current().webhook.maxAttempts).toBe(3);
    expect(r.version()).toBe(1);

    logged = once(events, 'settings.invalid_stored');
    await redis.hset(key.record, 'version', '3', 'data', '{"webhook": {"url": "http://10.0.0.1/x", "maxAttempts": "many"}}');
    await redis.publish(key.changed, '3');
    const [line] = (await logged) as [Record<string, unknown>];
    expect(line['errors']).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'webhook.url' }), expect.objectContaining({ path: 'webhook.maxAttempts' })]));

    logged = once(events, 'settings.invalid_stored');
    await redis.del(key.record);
    await redis.set(key.record, 'not even a hash');
    await redis.publish(key.changed, '0');
    await logged;
    expect(r.current().webhook.maxAttempts).toBe(3);
    // the same bad state seen again is not logged again
    await r.refresh();
    await r.refresh();
    expect(lines.filter((l) => l['code'] === 'settings.invalid_stored')).toHaveLength(3);
    expect(lines.some((l) => l['level'] === 'error' && l['code'] === 'settings.invalid_stored')).toBe(true);

    const unreadable = await store.read();
    expect(unreadable).toMatchObject({ ok: false, version: 0 });
    const changed = nextChange(r);
    expect(await store.update({ patch: { webhook: { maxAttempts: 9 } }, expectedVersion: 0, updatedBy: 'admin' })).toMatchObject({ status: 'updated', version: 1 });
    expect((await changed).settings.webhook.maxAttempts).toBe(9);
  });

  it('starts on the environment values when the stored settings are invalid', async () => {
    await redis.hset(settingsKeys(prefix).record, 'version', '4', 'data', 'garbage');
    const { reader: r, lines } = await reader();
    expect(r.current()).toEqual(defaults);
    expect(lines.map((l) => l['code'])).toContain('settings.invalid_stored');
  });

  it('keeps an audit trail without secrets, full URLs or addresses', async () => {
    const secretPath = 'p4th-t0ken-1234';
    await store.update({
      patch: { webhook: { url: `https://hooks.example.org/${secretPath}` }, senderAllowlist: ['boss@client.example.com'] },
      expectedVersion: 0,
      updatedBy: 'owner@studio.example.com',
    });
    await store.update({ patch: { webhook: { sendingEnabled: false } }, expectedVersion: 1, updatedBy: 'admin' });

    const trail = await store.auditTrail();
    expect(trail.map((e) => [e.version, e.updatedBy])).toEqual([
      [2, 'admin'],
      [1, 'o***@studio.example.com'],
    ]);
    expect(trail[1]!.changes).toEqual([
      { path: 'webhook.url', old: 'https://backend.example.org', new: 'https://hooks.example.org' },
      { path: 'senderAllowlist', old: ['p***@client.example.com'], new: ['b***@client.example.com'] },
    ]);
    expect(trail[0]!.changes).toEqual([{ path: 'webhook.sendingEnabled', old: true, new: false }]);

    const raw = JSON.stringify(await redis.xrange(settingsKeys(prefix).audit, '-', '+'));
    for (const clear of [secretPath, ENV_SECRET, 'whsec_', 'boss@', 'planning@', 'owner@', '/inbound']) {
      expect(raw).not.toContain(clear);
    }
  });

  it('refuses to store a signing secret and changes nothing: it comes from the environment only', async () => {
    const refused = await store.update({ patch: { webhook: { secret: NEW_SECRET, sendingEnabled: false } }, expectedVersion: 0, updatedBy: 'admin' });
    expect(refused).toMatchObject({ status: 'invalid', errors: [{ path: 'webhook.secret', message: expect.stringContaining('WEBHOOK_SECRET') }] });
    expect(JSON.stringify(refused)).not.toContain(NEW_SECRET.slice(6));
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
  });
});

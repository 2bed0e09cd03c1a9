import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, VARIABLES } from '../src/index.js';

const fetcherEnv = { EMAIL_ADDRESS: 'watch@example.org', EMAIL_PASSWORD: 'pw', IMAP_SERVER: 'imap.example.org' };

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the defaults of the original', () => {
    const c = loadConfig({});
    expect(c.redis).toEqual({ url: 'redis://127.0.0.1:6379', isDefault: true, prefix: 'rs', dataDir: '.render-signal' });
    expect(c.imap.port).toBe(993);
    expect(c.imap.secure).toBe(true);
    expect(c.rules.timezone).toBe('Europe/Paris');
    expect(c.rules.contentMaxChars).toBe(20_000);
    expect(c.rules.maskContent).toBe(true);
    expect(c.webhook.requireJsonSuccess).toBe(true);
    expect(c.http).toEqual({ port: 8000, metricsPort: 9400 });
  });

  it('reads the original variable names and their aliases into a nested object', () => {
    const c = loadConfig({
      IMAP_USER: 'watch@example.org',
      IMAP_PASSWORD: 'pw',
      IMAP_HOST: 'imap.example.org',
      IMAP_USE_SSL: 'off',
      SENDER_OF_INTEREST_FOR_POLLING: ' A@Example.com, b@example.com ,a@example.com',
      WEBHOOK_TIME_START: '09h00',
      WEBHOOK_TIME_END: '19:00',
      FLASK_LOG_LEVEL: 'WARNING',
      EMAIL_CONTENT_MAX_CHARS: '0',
      REDIS_URL: 'redis://10.0.0.5:6380/2',
    }, { services: ['imap-fetcher'] });
    expect(c.imap).toMatchObject({ user: 'watch@example.org', password: 'pw', host: 'imap.example.org', secure: false });
    expect(c.rules.senderAllowlist).toEqual(['a@example.com', 'b@example.com']);
    expect(c.rules.window).toEqual({ start: '09h00', end: '19:00' });
    expect(c.rules.contentMaxChars).toBeNull();
    expect(c.log.level).toBe('warn');
    expect(c.redis.isDefault).toBe(false);
  });

  it('prefers the main name over an alias, and treats empty values as unset', () => {
    const c = loadConfig({ EMAIL_ADDRESS: '', IMAP_USER: 'alias@example.org', IMAP_SERVER: 'main.example.org', IMAP_HOST: 'alias.example.org' });
    expect(c.imap.user).toBe('alias@example.org');
    expect(c.imap.host).toBe('main.example.org');
  });

  it('lists every problem at once, naming each variable', () => {
    const problems = problemsOf(() =>
      loadConfig(
        { IMAP_PORT: '99999', IMAP_USE_SSL: 'maybe', WEBHOOK_URL: 'http://hooks.example.org/x', WEBHOOKS_TIME_START: '25h00', LOG_LEVEL: 'loud' },
        { services: ['imap-fetcher', 'webhook-dispatcher'] },
      ),
    );
    const names = problems.map((p) => p.split(':')[0]);
    expect(names).toEqual(
      expect.arrayContaining(['EMAIL_ADDRESS (or IMAP_USER)', 'EMAIL_PASSWORD (or IMAP_PASSWORD)', 'IMAP_SERVER (or IMAP_HOST)', 'IMAP_PORT', 'IMAP_USE_SSL', 'WEBHOOK_URL', 'WEBHOOKS_TIME_START', 'LOG_LEVEL']),
    );
    expect(problems).toHaveLength(8);
    expect(problems.find((p) => p.startsWith('WEBHOOK_URL'))).toMatch(/https/);
  });

  it('requires only what the started services need', () => {
    expect(() => loadConfig({}, { services: ['parser'] })).not.toThrow();
    expect(problemsOf(() => loadConfig({}, { services: ['webhook-dispatcher'] }))).toEqual([
      'WEBHOOK_URL: required by webhook-dispatcher but not set',
    ]);
  });

  it('requires the dashboard login and key, refuses weak ones without echoing them, and floors the magic-link lifetime', () => {
    expect(problemsOf(() => loadConfig({}, { services: ['dashboard'] }))).toEqual([
      'TRIGGER_PAGE_PASSWORD (or DASHBOARD_PASSWORD): required by dashboard but not set',
      'FLASK_SECRET_KEY (or DASHBOARD_SECRET_KEY): required by dashboard but not set',
    ]);
    const weak = { TRIGGER_PAGE_PASSWORD: 'hunter2', FLASK_SECRET_KEY: 'short-key', TEST_API_KEY: 'k3y' };
    const problems = problemsOf(() => loadConfig(weak, { services: ['dashboard'] }));
    expect(problems).toEqual(['TRIGGER_PAGE_PASSWORD: invalid value', 'FLASK_SECRET_KEY: invalid value', 'TEST_API_KEY: invalid value']);
    const ok = { TRIGGER_PAGE_PASSWORD: 'scrypt:1024:8:1:c2FsdA:a2V5', FLASK_SECRET_KEY: 'k'.repeat(32), MAGIC_LINK_TTL_SECONDS: '5' };
    const c = loadConfig(ok, { services: ['dashboard'] });
    expect(c.dashboard).toMatchObject({ user: 'admin', magicLinkTtlSeconds: 60, apiKey: undefined, trustProxyHops: 0 });
    expect(c.warnings).toEqual([]);
    const prod = loadConfig({ ...ok, NODE_ENV: 'production' }, { services: ['dashboard'] });
    expect(prod.warnings.join('\n')).toMatch(/DASHBOARD_TRUST_PROXY_HOPS/);
    expect(loadConfig({ ...ok, NODE_ENV: 'production', DASHBOARD_TRUST_PROXY_HOPS: '1' }, { services: ['dashboard'] }).warnings).toEqual([]);
  });

  it('accepts loopback webhooks only with the development switch, never in production', () => {
    const url = 'http://127.0.0.1:8080/hook';
    expect(problemsOf(() => loadConfig({ WEBHOOK_URL: url }))[0]).toMatch(/RENDER_SIGNAL_ALLOW_LOCAL_TARGETS/);
    expect(loadConfig({ WEBHOOK_URL: url, RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: 'true' }).webhook.url).toBe(url);
    expect(problemsOf(() => loadConfig({ WEBHOOK_URL: url, RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: 'true', NODE_ENV: 'production' }))).toEqual(
      expect.arrayContaining(['RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: refused when NODE_ENV=production']),
    );
    expect(problemsOf(() => loadConfig({ WEBHOOK_URL: 'https://192.168.1.10/hook' }))[0]).toMatch(/private/);
    expect(problemsOf(() => loadConfig({ WEBHOOK_URL: 'https://user:pw@hooks.example.org/' }))[0]).toMatch(/credentials/);
  });

  it('keeps the mailbox lease longer than the IMAP calls it guards', () => {
    expect(loadConfig({}).fetch.leaseTtlMs).toBe(90_000);
    expect(problemsOf(() => loadConfig({ IMAP_TIMEOUT_SECONDS: '60', FETCH_LEASE_TTL_SECONDS: '60' }))).toEqual([
      'FETCH_LEASE_TTL_SECONDS: must exceed IMAP_TIMEOUT_SECONDS (60), the longest call it guards',
    ]);
  });

  it('accepts only a well-formed Standard Webhooks secret, and never echoes it', () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef01234567').toString('base64')}`;
    expect(loadConfig({ WEBHOOK_SECRET: secret }).webhook.secret).toBe(secret);
    const problems = problemsOf(() => loadConfig({ WEBHOOK_SECRET: 'whsec_c2hvcnQ=' }));
    expect(problems).toEqual(['WEBHOOK_SECRET: invalid value']);
  });

  it('never echoes a secret in an error', () => {
    const problems = problemsOf(() => loadConfig({ EMAIL_PASSWORD: 'hunter2', WEBHOOK_URL: 'nope' }, { services: ['imap-fetcher'] }));
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('falls back to UTC for an unknown time zone, with a warning, as the original did', () => {
    const c = loadConfig({ POLLING_TIMEZONE: 'Mars/Olympus' });
    expect(c.rules.timezone).toBe('UTC');
    expect(c.warnings.join()).toMatch(/Mars\/Olympus/);
    expect(loadConfig({ POLLING_TIMEZONE: 'utc' }).rules.timezone).toBe('UTC');
  });

  it('documents every variable once', () => {
    const names = VARIABLES.flatMap((v) => [v.name, ...v.aliases]);
    expect(new Set(names).size).toBe(names.length);
    for (const v of VARIABLES) expect(v.description.length).toBeGreaterThan(10);
  });
});

import { afterEach, describe, expect, it } from '@jest/globals';
import { hashPassword } from '@render-signal/dashboard';
import { API_KEY, Client, PASSWORD, startDashboard, type TestDashboard } from './support.js';

describe('login, session and CSRF', () => {
  let d: TestDashboard | undefined;
  afterEach(async () => {
    await d?.stop();
    d = undefined;
  });

  it('logs in with the password, starts a new session, and refuses a wrong one without saying which part was wrong', async () => {
    d = await startDashboard();
    const client = new Client(d.url);
    const before = await client.csrf('/login');
    const sessionBefore = client.cookieHeader;

    const wrongUser = await client.request('POST', '/login', { form: { _csrf: before, username: 'root', password: PASSWORD } });
    const wrongPassword = await client.request('POST', '/login', { form: { _csrf: before, username: 'admin', password: 'nope' } });
    expect([wrongUser.status, wrongPassword.status]).toEqual([401, 401]);
    expect(wrongUser.text).toContain('Invalid user or password.');
    expect(wrongPassword.text).toContain('Invalid user or password.');
    expect((await client.request('GET', '/api/status')).status).toBe(401);

    const ok = await client.request('POST', '/login', { form: { _csrf: before, username: 'admin', password: PASSWORD, next: '/settings' } });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/settings');
    // Session fixation: the id given before login is not the one that is logged in.
    expect(client.cookieHeader).not.toBe(sessionBefore);
    const cookie = ok.headers.getSetCookie().find((c) => c.startsWith('rs.sid='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    expect((await client.request('GET', '/api/status')).status).toBe(200);
    // In Redis: the visitor's session lived 15 minutes at most; the logged-in one lives its TTL.
    const sessionKey = async (c: Client) => `${d!.prefix}:dashboard:session:${decodeURIComponent(c.cookieHeader.split('=')[1]!).slice(2).split('.')[0]}`;
    expect(await d.redis.ttl(await sessionKey(client))).toBeGreaterThan(43_000);
    const visitor = new Client(d.url);
    await visitor.csrf('/login');
    const visitorTtl = await d.redis.ttl(await sessionKey(visitor));
    expect(visitorTtl).toBeGreaterThan(0);
    expect(visitorTtl).toBeLessThanOrEqual(900);

    // The log has the refusals and the login, never the password or the user name typed.
    expect(d.logs.filter((l) => l.code === 'dashboard.login_refused')).toHaveLength(2);
    expect(d.logs.filter((l) => l.code === 'dashboard.login')).toHaveLength(1);
    expect(JSON.stringify(d.logs)).not.toContain(PASSWORD);
    expect(JSON.stringify(d.logs)).not.toContain('root');

    // Logging out ends the session in Redis, not just in the browser.
    const stolen = client.cookieHeader;
    const token = await client.csrf('/settings');
    expect((await client.request('POST', '/logout', { form: { _csrf: token } })).status).toBe(303);
    const replay = await fetch(`${d.url}/api/status`, { headers: { cookie: stolen } });
    expect(replay.status).toBe(401);
  });

  it('accepts a scrypt hash as the password, and never redirects off-site after login', async () => {
    d = await startDashboard({ env: { TRIGGER_PAGE_PASSWORD: await hashPassword(PASSWORD, { N: 1024, r: 8, p: 1 }) } });
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const client = new Client(d.url);
      const token = await client.csrf('/login');
      const answer = await client.request('POST', '/login', { form: { _csrf: token, username: 'admin', password: PASSWORD, next } });
      expect(`${next} → ${answer.status} ${answer.headers.get('location')}`).toBe(`${next} → 303 /`);
    }
    const wrong = new Client(d.url);
    expect((await wrong.login('admin', `${PASSWORD}!`)).status).toBe(401);
  });

  it('sets Secure cookies and HSTS in production', async () => {
    d = await startDashboard({ env: { NODE_ENV: 'production' } });
    const client = new Client(d.url);
    const page = await client.request('GET', '/login', { headers: { 'x-forwarded-proto': 'https' } });
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    // Over plain http without a trusted proxy the Secure cookie is not even sent.
    expect(page.headers.getSetCookie().filter((c) => c.startsWith('rs.sid='))).toEqual([]);
  });

  it('refuses state changes without the CSRF token or from another site; reads need neither', async () => {
    d = await startDashboard();
    const client = new Client(d.url);
    await client.login();
    const token = await client.csrf('/');
    const fetchJobs = () => d!.deps.stages.get('fetch')!.live.count();

    expect((await client.request('POST', '/api/fetch/check-now')).status).toBe(403);
    expect((await client.request('POST', '/api/fetch/check-now', { headers: { 'x-csrf-token': `${token}x` } })).status).toBe(403);
    expect((await client.request('POST', '/check-now', { form: { _csrf: token }, headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await client.request('POST', '/check-now', { form: { _csrf: token }, sameOrigin: false, headers: { origin: 'https://evil.example' } })).status).toBe(403);
    // Bull Board's API (its front end cannot send our token) still refuses another site.
    expect((await client.request('PUT', '/admin/queues/api/queues/fetch/pause', { headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect(await fetchJobs()).toBe(0);

    expect((await client.request('POST', '/api/fetch/check-now', { headers: { 'x-csrf-token': token } })).status).toBe(202);
    expect((await client.request('POST', '/check-now', { form: { _csrf: token } })).status).toBe(303);
    expect(await fetchJobs()).toBe(2);
    // The API key carries no cookie, so it needs no token.
    expect((await new Client(d.url).request('POST', '/api/fetch/check-now', { headers: { 'x-api-key': API_KEY } })).status).toBe(202);
    const jobs = await d.deps.stages.get('fetch')!.live.getJobs(['waiting']);
    expect(jobs.map((j) => j.data.trigger)).toEqual(['manual', 'manual', 'manual']);
  });

  it('sends security headers on every page', async () => {
    d = await startDashboard();
    const page = await new Client(d.url).request('GET', '/login');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-powered-by')).toBeNull();
  });

  it('limits login attempts per address and overall, in Redis, and lets a good login through below the limit', async () => {
    d = await startDashboard({ env: { DASHBOARD_LOGIN_MAX_PER_IP: '3', DASHBOARD_LOGIN_MAX_TOTAL: '5', DASHBOARD_TRUST_PROXY_HOPS: '1' } });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const attempt = async (ip: string, password: string) => {
      const client = new Client(d!.url);
      const token = await client.csrf('/login');
      return (await client.request('POST', '/login', { form: { _csrf: token, username: 'admin', password }, headers: from(ip) })).status;
    };
    expect(await attempt('203.0.113.1', PASSWORD)).toBe(303);
    const first = [];
    for (let i = 0; i < 4; i++) first.push(await attempt('203.0.113.1', 'guess'));
    expect(first).toEqual([401, 401, 401, 429]);
    // Another address has its own budget, until the overall one (5 failures) is spent too.
    expect([await attempt('203.0.113.2', 'guess'), await attempt('203.0.113.2', 'guess'), await attempt('203.0.113.3', 'guess')]).toEqual([401, 401, 429]);
    expect(await attempt('203.0.113.4', PASSWORD)).toBe(429);
    expect(await d.redis.keys(`${d.prefix}:dashboard:rate:*`)).not.toHaveLength(0);
  });
});

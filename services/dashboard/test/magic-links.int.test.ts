import { afterEach, describe, expect, it } from '@jest/globals';
import { MagicLinks } from '@render-signal/dashboard';
import { Client, SECRET_KEY, startDashboard, type TestDashboard } from './support.js';

/** Every key under the prefix with its value, to check what Redis holds. */
async function dump(d: TestDashboard): Promise<string> {
  const keys = await d.redis.keys(`${d.prefix}:*`);
  const parts: string[] = [];
  for (const key of keys) {
    const type = await d.redis.type(key);
    const value = type === 'string' ? await d.redis.get(key) : type === 'hash' ? JSON.stringify(await d.redis.hgetall(key)) : '';
    parts.push(`${key}=${value}`);
  }
  return parts.join('\n');
}

describe('magic links', () => {
  let d: TestDashboard | undefined;
  afterEach(async () => {
    await d?.stop();
    d = undefined;
  });

  const create = async (client: Client, unlimited = false) => {
    const token = await client.csrf('/');
    const answer = await client.request('POST', '/api/auth/magic-link', { json: { unlimited }, headers: { 'x-csrf-token': token } });
    expect(answer.status).toBe(201);
    return answer.json<{ success: boolean; magic_link: string; expires_at: string | null; unlimited: boolean }>();
  };
  const redeemOver = async (url: string) => {
    const client = new Client(url.slice(0, url.indexOf('/login/')));
    const answer = await client.request('GET', url.slice(url.indexOf('/login/')));
    return { location: answer.headers.get('location'), loggedIn: (await client.request('GET', '/api/status')).status === 200 };
  };

  it('answers 201 in the original shape; the link logs in once; Redis holds only its hash', async () => {
    d = await startDashboard();
    const owner = new Client(d.url);
    await owner.login();
    const created = await create(owner);
    expect(created).toEqual({ success: true, magic_link: expect.stringMatching(new RegExp(`^${d.url}/login/magic/[\\w-]{22}\\.\\d{10}\\.[0-9a-f]{64}$`)), expires_at: expect.any(String), unlimited: false });
    expect(Date.parse(created.expires_at!) - Date.now()).toBeGreaterThan(890_000);
    const token = created.magic_link.split('/').pop()!;
    const stored = await dump(d);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(token.split('.')[0]);
    expect(stored).not.toContain(token.split('.')[2]);

    expect(await redeemOver(created.magic_link)).toEqual({ location: '/', loggedIn: true });
    expect(await redeemOver(created.magic_link)).toEqual({ location: '/login?error=link', loggedIn: false });

    // The login form's `magic_token` field (the original's second way in) is one-shot too.
    const viaForm = (await create(owner)).magic_link.split('/').pop()!;
    const visitor = new Client(d.url);
    const csrf = await visitor.csrf('/login');
    const first = await visitor.request('POST', '/login', { form: { _csrf: csrf, magic_token: viaForm, next: '/deliveries' } });
    expect([first.status, first.headers.get('location')]).toEqual([303, '/deliveries']);
    expect((await visitor.request('GET', '/api/status')).status).toBe(200);
    const other = new Client(d.url);
    const again = await other.request('POST', '/login', { form: { _csrf: await other.csrf('/login'), magic_token: viaForm } });
    expect(again.status).toBe(401);
    expect(again.text).toContain('This link is invalid, expired or already used.');
  });

  it('of 50 concurrent redemptions of one link, exactly one logs in (over HTTP and directly)', async () => {
    d = await startDashboard({ env: { DASHBOARD_LOGIN_MAX_PER_IP: '1000', DASHBOARD_LOGIN_MAX_TOTAL: '1000' } });
    const owner = new Client(d.url);
    await owner.login();
    const { magic_link } = await create(owner);
    const results = await Promise.all(Array.from({ length: 50 }, () => redeemOver(magic_link)));
    expect(results.filter((r) => r.loggedIn)).toHaveLength(1);
    expect(results.filter((r) => r.location === '/')).toHaveLength(1);

    const links = new MagicLinks({ redis: d.redis, prefix: `${d.prefix}-direct`, secretKey: SECRET_KEY, ttlSeconds: 900 });
    for (let round = 0; round < 5; round++) {
      const { token } = await links.create({ permanent: false });
      const wins = await Promise.all(Array.from({ length: 50 }, () => links.redeem(token)));
      expect(wins.filter(Boolean)).toHaveLength(1);
    }
  });

  it('refuses expired, tampered, unknown and malformed tokens with one and the same answer', async () => {
    let now = Date.now();
    d = await startDashboard({ clock: () => new Date(now), env: { MAGIC_LINK_TTL_SECONDS: '60', DASHBOARD_LOGIN_MAX_PER_IP: '1000' } });
    const owner = new Client(d.url);
    await owner.login();
    const expiring = (await create(owner)).magic_link;
    const good = (await create(owner)).magic_link;
    const [base, token] = good.split('/login/magic/') as [string, string];
    const [id, exp, sig] = token.split('.') as [string, string, string];
    const flip = (s: string) => s.slice(0, -1) + (s.endsWith('0') ? '1' : '0');
    const unknownId = 'AAAAAAAAAAAAAAAAAAAAAA';
    const { createHmac } = await import('node:crypto');
    const validButUnknown = `${unknownId}.${exp}.${createHmac('sha256', SECRET_KEY).update(`${unknownId}.${exp}`).digest('hex')}`;
    const variants = {
      tamperedSignature: `${id}.${exp}.${flip(sig)}`,
      laterExpiry: `${id}.${Number(exp) + 3600}.${sig}`,
      madePermanent: `${id}.permanent.${sig}`,
      otherId: `${flip(id)}.${exp}.${sig}`,
      validButUnknown,
      twoParts: `${id}.${exp}`,
      garbage: 'not-a-token',
      long: 'x'.repeat(500),
    };
    for (const [name, variant] of Object.entries(variants)) {
      expect(`${name}: ${JSON.stringify(await redeemOver(`${base}/login/magic/${variant}`))}`).toBe(`${name}: {"location":"/login?error=link","loggedIn":false}`);
    }
    now += 61_000;
    expect(await redeemOver(expiring)).toEqual({ location: '/login?error=link', loggedIn: false });
    now -= 61_000;
    // The untouched token still works: none of the attempts above used it up.
    expect(await redeemOver(good)).toEqual({ location: '/', loggedIn: true });
    // The refusal page shows one generic message.
    const page = await new Client(d.url).request('GET', '/login?error=link');
    expect(page.text).toContain('This link is invalid, expired or already used.');
  });

  it('a permanent link works until revoked', async () => {
    d = await startDashboard();
    const owner = new Client(d.url);
    await owner.login();
    const created = await create(owner, true);
    expect(created.expires_at).toBeNull();
    expect((await redeemOver(created.magic_link)).loggedIn).toBe(true);
    expect((await redeemOver(created.magic_link)).loggedIn).toBe(true);
    const { links } = (await owner.request('GET', '/api/auth/magic-links')).json<{ links: { ref: string }[] }>();
    expect(links).toHaveLength(1);
    const token = await owner.csrf('/access');
    expect((await owner.request('DELETE', `/api/auth/magic-links/${links[0]!.ref}`, { headers: { 'x-csrf-token': token } })).status).toBe(200);
    expect((await redeemOver(created.magic_link)).loggedIn).toBe(false);
    expect(d.logs.filter((l) => l.code === 'dashboard.magic_link_created' || l.code === 'dashboard.magic_link_revoked').map((l) => l.code)).toEqual(['dashboard.magic_link_created', 'dashboard.magic_link_revoked']);
    expect(JSON.stringify(d.logs)).not.toContain(created.magic_link.split('/').pop()!);
  });

  it('rate-limits creating links and redeeming them', async () => {
    d = await startDashboard({ env: { DASHBOARD_LOGIN_MAX_PER_IP: '3' } });
    const owner = new Client(d.url);
    await owner.login();
    const token = await owner.csrf('/');
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await owner.request('POST', '/api/auth/magic-link', { json: {}, headers: { 'x-csrf-token': token } })).status);
    expect(statuses.slice(0, 20).every((s) => s === 201)).toBe(true);
    expect(statuses[20]).toBe(429);

    const guesses: number[] = [];
    for (let i = 0; i < 4; i++) guesses.push((await new Client(d.url).request('GET', `/login/magic/guess${i}.1.${'0'.repeat(64)}`)).status);
    expect(guesses).toEqual([303, 303, 303, 429]);
  });
});

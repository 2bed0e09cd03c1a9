import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { listRoutes } from '@render-signal/dashboard';
import { API_KEY, Client, startDashboard, type TestDashboard } from './support.js';

/** Routes that answer without a session, by design: probes, the style sheet and the login itself. */
const PUBLIC = new Set(['GET /health', 'GET /api/ping', 'GET /assets/style.css', 'GET /login', 'POST /login', 'GET /login/magic/:token']);

/** A concrete path for a route pattern: every parameter or wildcard gets a sample value. */
const sample = (path: string) => path.replace(/[{}]/g, '').replace(/[:*][A-Za-z_]+/g, 'x');

describe('every dashboard route needs a session (or the API key)', () => {
  let d: TestDashboard;
  beforeAll(async () => {
    d = await startDashboard();
  });
  afterAll(() => d?.stop());

  it('enumerates the router, Bull Board included, and refuses each route without a session', async () => {
    const routes = listRoutes(d.app);
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    // The walk reaches the routers and the mounted Bull Board app, not just the top level.
    expect(keys).toEqual(expect.arrayContaining(['GET /', 'PUT /api/settings', 'POST /dead-letters/replay', 'GET /admin/queues/api/queues', ...PUBLIC]));
    expect(keys.filter((k) => k.includes('/admin/queues')).length).toBeGreaterThan(10);

    const guarded = routes.filter((r) => !PUBLIC.has(`${r.method} ${r.path}`));
    expect(guarded.length).toBeGreaterThan(40);
    const anonymous = new Client(d.url);
    for (const route of guarded) {
      const path = sample(route.path);
      const answer = await anonymous.request(route.method, path, route.method === 'GET' ? {} : { json: {} });
      const refusal = `${route.method} ${path} → ${answer.status} ${answer.headers.get('location') ?? ''}`;
      const expected = path.startsWith('/api/') || path.startsWith('/admin/queues/api/') ? `${route.method} ${path} → 401 ` : `${route.method} ${path} → 303 /login?next=${encodeURIComponent(path)}`;
      expect(refusal).toBe(expected);
    }
    // Nothing was done on the way: no settings written, no sync queued.
    expect(await d.redis.exists(`${d.prefix}:settings`)).toBe(0);
    expect(await d.deps.stages.get('fetch')!.live.count()).toBe(0);
  });

  it('a wrong API key is refused, the right one is let in without a session or CSRF token', async () => {
    const client = new Client(d.url);
    expect((await client.request('GET', '/api/status', { headers: { 'x-api-key': `${API_KEY}x` } })).status).toBe(401);
    expect((await client.request('GET', '/api/status', { headers: { 'x-api-key': API_KEY.slice(0, -1) } })).status).toBe(401);
    const status = await client.request('GET', '/api/status', { headers: { 'x-api-key': API_KEY } });
    expect(status.status).toBe(200);
    expect(status.json<{ stages: { stage: string }[] }>().stages.map((s) => s.stage)).toEqual(['fetch', 'parse', 'offload', 'dispatch']);
    const queued = await client.request('POST', '/api/fetch/check-now', { headers: { 'x-api-key': API_KEY }, sameOrigin: false });
    expect(queued.status).toBe(202);
  });

  it('logged in, every page answers 200 and Bull Board serves its UI and API', async () => {
    const client = new Client(d.url);
    expect((await client.login()).status).toBe(303);
    for (const path of ['/', '/settings', '/dead-letters', '/dead-letters?stage=parse', '/deliveries', '/access', '/admin/queues', '/admin/queues/api/queues']) {
      const page = await client.request('GET', path);
      expect(`${path} ${page.status}`).toBe(`${path} 200`);
    }
    const queues = (await client.request('GET', '/admin/queues/api/queues')).json<{ queues: { name: string }[] }>();
    expect(queues.queues.map((q) => q.name).sort()).toEqual(['dispatch', 'dispatch.dead', 'fetch', 'fetch.dead', 'offload', 'offload.dead', 'parse', 'parse.dead']);
  });
});

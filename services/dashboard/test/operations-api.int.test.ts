import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { DeadLetter } from '@render-signal/contracts';
import { logAttempt } from '@render-signal/webhook-dispatcher';
import { Client, startDashboard, type TestDashboard } from './support.js';

const NOW = new Date('2026-03-30T10:00:00Z');
const HOUR = 3_600_000;

describe('dead letters, deliveries and status through the dashboard', () => {
  let d: TestDashboard;
  let client: Client;
  let token: string;
  beforeAll(async () => {
    d = await startDashboard({ clock: () => NOW });
    client = new Client(d.url);
    await client.login();
    token = await client.csrf('/');
  });
  afterAll(() => d?.stop());

  const park = async (jobId: string, code: string, reason: string, ageMs: number) => {
    const data = { ref: { mailbox: 'INBOX', uidValidity: '7', uid: Number(jobId.slice(2)) }, size: 1000 };
    const letter: DeadLetter = { queue: 'parse', jobId, data, reason, code, attemptsMade: 3, failedAt: new Date(NOW.getTime() - ageMs).toISOString() };
    await d.deps.stages.get('parse')!.dead.add('dead', letter, { jobId });
  };
  const post = (path: string, json: unknown = {}) => client.request('POST', path, { json, headers: { 'x-csrf-token': token } });

  it('lists letters by stage with code, reason and age, filters them, replays one or all matching, deletes', async () => {
    await park('m.1', 'parse.message_too_large', 'message of 30 MB exceeds MAX_MESSAGE_BYTES', 3 * HOUR);
    await park('m.2', 'job.invalid_data', 'ref: expected object', 2 * HOUR);
    await park('m.3', 'parse.message_too_large', 'message of 28 MB exceeds MAX_MESSAGE_BYTES', HOUR);

    const all = (await client.request('GET', '/api/dead-letters/parse')).json<{ count: number; letters: { letterId: string; ageMs: number; letter: DeadLetter }[] }>();
    expect(all.letters.map((l) => [l.letterId, l.ageMs])).toEqual([
      ['m.3', HOUR],
      ['m.2', 2 * HOUR],
      ['m.1', 3 * HOUR],
    ]);
    const byCode = (await client.request('GET', '/api/dead-letters/parse?code=parse.message_too_large&minAgeSeconds=7200')).json<{ letters: { letterId: string }[] }>();
    expect(byCode.letters.map((l) => l.letterId)).toEqual(['m.1']);
    expect((await client.request('GET', '/api/dead-letters/parse?contains=30%20MB')).json<{ count: number }>().count).toBe(1);
    expect((await client.request('GET', '/api/dead-letters/nowhere')).status).toBe(400);
    expect((await client.request('GET', '/api/dead-letters/parse?limit=zero')).json<{ errors: { path: string }[] }>().errors[0]!.path).toBe('limit');

    const one = await post('/api/dead-letters/parse/m.2/replay');
    expect(one.json()).toEqual({ success: true, letterId: 'm.2', outcome: 'replayed', replayJobId: 'm.2.replay1' });
    expect((await post('/api/dead-letters/parse/m.2/replay')).status).toBe(404);
    const live = d.deps.stages.get('parse')!.live;
    expect((await live.getJob('m.2.replay1'))?.data).toEqual({ ref: { mailbox: 'INBOX', uidValidity: '7', uid: 2 }, size: 1000 });

    const matching = await post('/api/dead-letters/parse/replay', { code: 'parse.message_too_large', maxAgeSeconds: 5400 });
    expect(matching.json<{ results: { letterId: string; outcome: string }[] }>().results.map((r) => [r.letterId, r.outcome])).toEqual([['m.3', 'replayed']]);

    expect((await client.request('DELETE', '/api/dead-letters/parse/m.1', { headers: { 'x-csrf-token': token } })).status).toBe(200);
    expect((await client.request('DELETE', '/api/dead-letters/parse/m.1', { headers: { 'x-csrf-token': token } })).status).toBe(404);
    expect((await client.request('GET', '/api/dead-letters/parse')).json<{ count: number }>().count).toBe(0);

    const status = (await client.request('GET', '/api/status')).json<{ stages: { stage: string; counts: { waiting: number; dead: number }; oldestWaitingMs: number | null }[] }>();
    const parse = status.stages.find((s) => s.stage === 'parse')!;
    expect(parse.counts).toMatchObject({ waiting: 2, dead: 0 });
    expect(parse.oldestWaitingMs).not.toBeNull();
  });

  it('a letter that no longer fits its contract is refused with 422, and left in place', async () => {
    const letter: DeadLetter = { queue: 'parse', jobId: 'bad.1', data: { ref: 'gone' }, reason: 'x', code: 'job.invalid_data', attemptsMade: 1, failedAt: NOW.toISOString() };
    await d.deps.stages.get('parse')!.dead.add('dead', letter, { jobId: 'bad.1' });
    expect((await post('/api/dead-letters/parse/bad.1/replay')).status).toBe(422);
    expect((await post('/api/dead-letters/parse/replay', {})).json<{ results: unknown[] }>().results).toEqual([{ letterId: 'bad.1', outcome: 'invalid' }]);
    const form = await client.request('POST', '/dead-letters/replay', { form: { _csrf: token, stage: 'parse', letterId: 'bad.1' } });
    expect(form.headers.get('location')).toBe('/dead-letters?stage=parse&notice=invalid');
    expect((await client.request('DELETE', '/api/dead-letters/parse/bad.1', { headers: { 'x-csrf-token': token } })).status).toBe(200);
  });

  it('the dead-letter page lists, replays and deletes through forms', async () => {
    await park('p.1', 'job.invalid_data', 'ref: expected object', HOUR);
    await park('p.2', 'job.invalid_data', 'ref: expected object', HOUR);
    const page = await client.request('GET', '/dead-letters?stage=parse');
    expect(page.text).toContain('<code>p.1</code>');
    expect(page.text).toContain('job.invalid_data');
    const replayed = await client.request('POST', '/dead-letters/replay', { form: { _csrf: token, stage: 'parse', letterId: 'p.1' } });
    expect(replayed.headers.get('location')).toBe('/dead-letters?stage=parse&notice=replayed');
    const gone = await client.request('POST', '/dead-letters/replay', { form: { _csrf: token, stage: 'parse', letterId: 'p.1' } });
    expect(gone.headers.get('location')).toBe('/dead-letters?stage=parse&notice=not-found');
    await client.request('POST', '/dead-letters/delete', { form: { _csrf: token, stage: 'parse', letterId: 'p.2' } });
    expect((await client.request('GET', '/dead-letters?stage=parse&notice=deleted')).text).toContain('No dead letter in parse');
  });

  it('reads the delivery log by day in the configured time zone, never with a body', async () => {
    const attempt = (at: string, status: number) => ({
      at,
      emailId: 'e'.repeat(32),
      jobId: 'dispatch.x',
      attempt: 1,
      outcome: status === 200 ? ('delivered' as const) : ('retry' as const),
      status,
      ms: 40,
      webhookId: 'msg_x',
      subjectHash: 'abcdef012345',
      endpoint: '0123456789abcdef',
    });
    // 23:30 UTC on the 28th is already the 29th in Paris (UTC+1 before the DST change on the 29th).
    await logAttempt(d.redis, d.prefix, attempt('2026-03-28T22:30:00.000Z', 200), 500);
    await logAttempt(d.redis, d.prefix, attempt('2026-03-28T23:30:00.000Z', 503), 500);
    await logAttempt(d.redis, d.prefix, attempt('2026-03-29T09:00:00.000Z', 200), 500);
    const day = (await client.request('GET', '/api/deliveries?day=2026-03-29')).json<{ entries: { at: string }[] }>();
    expect(day.entries.map((e) => e.at)).toEqual(['2026-03-29T09:00:00.000Z', '2026-03-28T23:30:00.000Z']);
    expect((await client.request('GET', '/api/deliveries?day=29/03/2026')).status).toBe(400);
    expect((await client.request('GET', '/api/deliveries?days=1')).json<{ count: number }>().count).toBe(0);
    expect((await client.request('GET', '/api/deliveries?days=2')).json<{ count: number }>().count).toBe(3);
    const page = await client.request('GET', '/deliveries?day=2026-03-28');
    expect(page.text).toContain('2026-03-28T22:30:00.000Z');
    expect(page.text).not.toContain('2026-03-29T09:00:00.000Z');
  });
});

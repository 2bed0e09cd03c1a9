import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUES, messageKey } from '@render-signal/contracts';
import { loadExpected, loadFixture, normaliseContent } from '@render-signal/testing';
import { Queue } from 'bullmq';
import { startPipeline, type Pipeline } from './support.js';

const FIXTURE = '01-recadrage-dropbox-11h51';
/** The fixture's personal data: subject, names, addresses, body text, share key. */
const PERSONAL = [
  'Média Solution - Missions Recadrage - Lot 4127',
  'Missions Recadrage',
  'b.vasseur@studio-lumiere.example.com',
  'Bertille',
  'Vasseur-Quintin',
  'reception@atelier-retouche.example.org',
  "Bonjour l'équipe",
  'Voici les photos',
  'h2k9x4m7q1w8e5r3t6y0u',
];

describe('one email from IMAP to the webhook receiver', () => {
  let p: Pipeline;

  beforeAll(async () => {
    p = await startPipeline({ env: { PAYLOAD_MASK_CONTENT: 'false', EMAIL_CONTENT_MAX_CHARS: '0' } });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('delivers the payload the original would send, through all four queues', async () => {
    const appended = await p.deliver(loadFixture(`${FIXTURE}.eml`));
    const [request] = await p.receiver.waitForRequests(1, 20_000);

    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toMatch(/^application\/json/);
    const actual = request?.json as Record<string, unknown>;
    const expected = loadExpected(FIXTURE) as Record<string, unknown>;
    const { email_content, bodyPreview, ...rest } = expected;
    expect(Object.keys(actual)).toEqual(Object.keys(expected));
    expect(actual).toMatchObject(rest);
    expect(normaliseContent(actual.email_content as string)).toBe(normaliseContent(email_content as string));
    expect(normaliseContent(actual.bodyPreview as string).startsWith(normaliseContent(bodyPreview as string))).toBe(true);

    const id = messageKey({ mailbox: 'INBOX', uidValidity: String(appended.uidValidity), uid: appended.uid });
    for (const [contract, jobId] of [[QUEUES.parse, id], [QUEUES.offload, `${id}.link0`], [QUEUES.dispatch, id]] as const) {
      const queue = new Queue(contract.name, { connection: p.redis, prefix: p.prefix });
      expect(`${contract.name}: ${await queue.getJobState(jobId)}`).toBe(`${contract.name}: completed`);
      await queue.close();
    }
    const fetch = new Queue(QUEUES.fetch.name, { connection: p.redis, prefix: p.prefix });
    expect(await fetch.getJobCountByTypes('completed')).toBeGreaterThan(0);
    await fetch.close();

    // The raw message left Redis once parsed.
    expect(await p.redis.keys(`${p.prefix}:raw:*`)).toEqual([]);
  });

  it('exposes health, readiness and metrics', async () => {
    const base = `http://127.0.0.1:${p.services.healthPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { redis: true, imap: true } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/render_signal_jobs_total\{queue="dispatch",outcome="completed"} 1/);
    expect(metrics).toMatch(/render_signal_fetch_messages_enqueued_total 1/);
    expect(metrics).toMatch(/render_signal_fetch_syncs_total\{trigger="(push|schedule)",outcome="synced"} [1-9]/);
    expect(metrics).toMatch(/render_signal_fetch_watching 1/);
  });

  it('logs a stable code on every line and no subject, address or body text', () => {
    const lines = p.logs.parsed();
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(typeof line.code).toBe('string');
    expect(lines.map((l) => l.code)).toEqual(expect.arrayContaining(['fetch.synced', 'parse.decided', 'offload.disabled', 'dispatch.delivered']));

    const text = p.logs.raw.join('\n');
    for (const needle of PERSONAL) expect(`${needle}: ${text.includes(needle)}`).toBe(`${needle}: false`);
  });

  it('leaves no subject, address or body in Redis once the webhook is delivered', async () => {
    const stored: string[] = [];
    for (const key of await p.redis.keys(`${p.prefix}:*`)) {
      const type = await p.redis.type(key);
      const value =
        type === 'string' ? await p.redis.get(key)
        : type === 'hash' ? JSON.stringify(await p.redis.hgetall(key))
        : type === 'list' ? JSON.stringify(await p.redis.lrange(key, 0, -1))
        : type === 'set' ? JSON.stringify(await p.redis.smembers(key))
        : type === 'zset' ? JSON.stringify(await p.redis.zrange(key, 0, -1))
        : type === 'stream' ? JSON.stringify(await p.redis.xrange(key, '-', '+'))
        : '';
      stored.push(`${key} ${value ?? ''}`);
    }
    expect(stored.length).toBeGreaterThan(10);
    const text = stored.join('\n');
    // The share key is a link, not personal data: offload jobs keep their URLs.
    const personal = PERSONAL.filter((needle) => needle !== 'h2k9x4m7q1w8e5r3t6y0u');
    const found = personal.filter((needle) => text.includes(needle)).map((needle) => `${needle} in ${stored.filter((s) => s.includes(needle)).map((s) => s.split(' ')[0]).join(', ')}`);
    expect(found).toEqual([]);
    // The delivered dispatch job is still there (its id keeps a re-enqueue a no-op), without the payload.
    const dispatch = new Queue(QUEUES.dispatch.name, { connection: p.redis, prefix: p.prefix });
    const [delivered] = await dispatch.getJobs(['completed']);
    await dispatch.close();
    expect(delivered?.data).toEqual({ ref: expect.objectContaining({ mailbox: 'INBOX' }), emailId: expect.any(String), delivered: true });
  });
});

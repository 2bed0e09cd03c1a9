import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_SERVICES } from '@render-signal/cli';
import { QUEUES, messageKey } from '@render-signal/contracts';
import { runServices, type RunningServices } from '@render-signal/queue';
import {
  deleteKeys,
  loadExpected,
  loadFixture,
  normaliseContent,
  startDovecot,
  startWebhookReceiver,
  testRedisUrl,
  uniquePrefix,
  type DovecotServer,
  type WebhookReceiver,
} from '@render-signal/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { logCapture, pipelineEnv } from './support.js';

// Profile A's clock: Tue 2026-01-13 10:15 in Paris, inside the 09h00–19h00 window.
const PROFILE_A_NOW = new Date('2026-01-13T09:15:00Z');
const FIXTURE = '01-recadrage-dropbox-11h51';

describe('one email from IMAP to the webhook receiver', () => {
  let dovecot: DovecotServer;
  let receiver: WebhookReceiver;
  let redis: Redis;
  let services: RunningServices;
  const prefix = uniquePrefix('e2e');
  const logs = logCapture();

  beforeAll(async () => {
    dovecot = await startDovecot({ users: { alice: 'alicepw' } });
    receiver = await startWebhookReceiver();
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    services = await runServices(ALL_SERVICES, {
      env: { ...pipelineEnv({ redisUrl: testRedisUrl(), prefix, dovecot, user: 'alice', receiver }), PAYLOAD_MASK_CONTENT: 'false', EMAIL_CONTENT_MAX_CHARS: '0' },
      clock: () => PROFILE_A_NOW,
      logDestination: logs.destination,
    });
  });

  afterAll(async () => {
    await services?.stop();
    await redis.quit();
    await receiver.close();
    await dovecot.stop();
    await deleteKeys(testRedisUrl(), prefix);
  });

  it('delivers the payload the original would send, through all four queues', async () => {
    const appended = await dovecot.append('alice', loadFixture(`${FIXTURE}.eml`));
    const [request] = await receiver.waitForRequests(1, 20_000);

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
    for (const contract of [QUEUES.parse, QUEUES.offload, QUEUES.dispatch]) {
      const queue = new Queue(contract.name, { connection: redis, prefix });
      expect(`${contract.name}: ${await queue.getJobState(id)}`).toBe(`${contract.name}: completed`);
      await queue.close();
    }
    const fetch = new Queue(QUEUES.fetch.name, { connection: redis, prefix });
    expect(await fetch.getJobCountByTypes('completed')).toBeGreaterThan(0);
    await fetch.close();

    // The raw message left Redis once parsed.
    expect(await redis.keys(`${prefix}:raw:*`)).toEqual([]);
  });

  it('exposes health, readiness and metrics', async () => {
    const base = `http://127.0.0.1:${services.healthPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, checks: { redis: true } });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/render_signal_jobs_total\{queue="dispatch",outcome="completed"} 1/);
  });

  it('logs a stable code on every line and no subject, address or body text', () => {
    const lines = logs.parsed();
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(typeof line.code).toBe('string');
    expect(lines.map((l) => l.code)).toEqual(expect.arrayContaining(['fetch.synced', 'parse.decided', 'offload.passed_through', 'dispatch.delivered']));

    const text = logs.raw.join('\n');
    const forbidden = [
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
    for (const needle of forbidden) expect(`${needle}: ${text.includes(needle)}`).toBe(`${needle}: false`);
  });
});

import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@render-signal/config';
import { QUEUES, type DispatchJob } from '@render-signal/contracts';
import { createLogger } from '@render-signal/logger';
import { Lifecycle, Metrics, createProcessor, createProducer } from '@render-signal/queue';
import { deleteKeys, startWebhookReceiver, testRedisUrl, uniquePrefix, type WebhookReceiver } from '@render-signal/testing';
import type { Job } from 'bullmq';
import got from 'got';
import { Redis } from 'ioredis';
import { Webhook } from 'standardwebhooks';
import { deliverWebhook } from '../src/processor.js';

const SECRET = `whsec_${Buffer.from('a-test-secret-of-32-bytes-length').toString('base64')}`;
const log = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });

const job: DispatchJob = {
  ref: { mailbox: 'INBOX', uidValidity: '7', uid: 1 },
  emailId: 'fd4b3273456b8e9b0bb6fb2427a8d887',
  payload: {
    microsoft_graph_email_id: 'fd4b3273456b8e9b0bb6fb2427a8d887',
    subject: 'Média Solution - Missions Recadrage - Lot 4127',
    receivedDateTime: 'Tue, 13 Jan 2026 09:58:12 +0100',
    sender_address: 'b.vasseur@studio-lumiere.example.com',
    bodyPreview: 'Bonjour',
    email_content: 'Bonjour',
    detector: 'recadrage',
    delivery_time: '11h51',
    sender_email: 'b.vasseur@studio-lumiere.example.com',
    delivery_links: [{ provider: 'dropbox', raw_url: 'https://www.dropbox.com/scl/fo/x?dl=0' }],
  },
};

describe('webhook delivery through BullMQ', () => {
  let redis: Redis;
  let prefix: string;
  let lifecycle: Lifecycle;
  let receiver: WebhookReceiver | undefined;

  beforeEach(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    prefix = uniquePrefix('dispatch');
    lifecycle = new Lifecycle(log);
  });
  afterEach(async () => {
    await lifecycle.stop();
    await receiver?.close();
    await redis.quit();
    await deleteKeys(testRedisUrl(), prefix);
  });

  /** Runs the dispatcher against `url` with millisecond backoff; resolves when the job is finished. */
  async function deliver(url: string, options: { secret?: string; timeoutMs?: number; attempts?: number } = {}) {
    const env = { WEBHOOK_URL: url, RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: 'true', WEBHOOK_TIMEOUT_SECONDS: '1', ...(options.secret ? { WEBHOOK_SECRET: options.secret } : {}) };
    const webhook = { ...loadConfig(env).webhook, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
    const producer = createProducer(QUEUES.dispatch, redis, prefix, { attempts: options.attempts ?? 3, backoff: { type: 'fixed', delay: 5 } });
    lifecycle.onStop('producer', () => producer.queue.close());
    const metrics = new Metrics();
    const { worker, deadLetters } = createProcessor(
      QUEUES.dispatch,
      (data) =>
        deliverWebhook(data, {
          log,
          http: got,
          webhook,
          clock: () => new Date(),
          postpone: () => Promise.reject(new Error('not expected')),
          offloadResults: async () => [],
        }),
      { connection: redis, prefix, log, metrics, lifecycle },
    );
    const finished = new Promise<Job>((resolve) => {
      worker.on('completed', (j) => resolve(j));
      worker.on('failed', (j) => j?.finishedOn && resolve(j));
    });
    await producer.add(job);
    const done = await finished;
    return { job: done, dead: await deadLetters.getJob(String(done.id)) };
  }

  it('retries a failing receiver and signs every attempt with the same webhook-id', async () => {
    let calls = 0;
    receiver = await startWebhookReceiver({
      respond: () => (++calls <= 2 ? { status: 503, body: 'busy' } : { status: 200, body: { success: true } }),
    });
    const { job: done, dead } = await deliver(receiver.url, { secret: SECRET });

    expect(await done.getState()).toBe('completed');
    expect(dead).toBeUndefined();
    expect(receiver.requests).toHaveLength(3);
    const ids = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toMatch(/^msg_[A-Za-z0-9_-]{32}$/);
    const verifier = new Webhook(SECRET);
    for (const request of receiver.requests) {
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
      // An independent implementation checks the signature over the bytes received.
      expect(verifier.verify(request.body, headers)).toEqual(job.payload);
    }
    const first = receiver.requests[0]!;
    const firstHeaders = Object.fromEntries(Object.entries(first.headers).map(([k, v]) => [k, String(v)]));
    expect(() => verifier.verify(first.body.replace('11h51', '23h59'), firstHeaders)).toThrow();
  });

  it('sends the original payload unchanged, with id and timestamp but no signature when no secret is set', async () => {
    receiver = await startWebhookReceiver();
    await deliver(receiver.url);
    const [request] = receiver.requests;
    expect(request?.json).toEqual(job.payload);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['webhook-id']).toMatch(/^msg_/);
    expect(Number(request?.headers['webhook-timestamp'])).toBeGreaterThan(1_700_000_000);
    expect(request?.headers['webhook-signature']).toBeUndefined();
  });

  it('parks a 400 in dispatch.dead after one attempt, with the receiver’s words', async () => {
    receiver = await startWebhookReceiver({ respond: () => ({ status: 400, body: { success: false, message: 'payload invalide' } }) });
    const { dead } = await deliver(receiver.url);
    expect(receiver.requests).toHaveLength(1);
    expect(dead?.data).toMatchObject({ code: 'dispatch.rejected', reason: 'HTTP 400: payload invalide', attemptsMade: 1 });
  });

  it('retries a timeout until the attempts are used up', async () => {
    let release!: () => void;
    const never = new Promise<void>((resolve) => (release = resolve));
    receiver = await startWebhookReceiver({ respond: async () => (await never, { status: 200 }) });
    const slow = await deliver(receiver.url, { timeoutMs: 50, attempts: 2 });
    release();
    expect(receiver.requests).toHaveLength(2);
    expect(slow.dead?.data).toMatchObject({ code: 'dispatch.network', reason: 'request failed: ETIMEDOUT', attemptsMade: 2 });
  });

  it('retries a refused connection until the attempts are used up', async () => {
    const closed = await startWebhookReceiver();
    const url = closed.url;
    await closed.close();
    const refused = await deliver(url, { attempts: 2 });
    expect(refused.dead?.data).toMatchObject({ code: 'dispatch.network', reason: 'request failed: ECONNREFUSED', attemptsMade: 2 });
  });
});

import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig } from '@render-signal/config';
import { QUEUES, type DispatchJob } from '@render-signal/contracts';
import { createLogger } from '@render-signal/logger';
import { Lifecycle, Metrics, createProducer } from '@render-signal/queue';
import { deleteKeys, freePorts, startWebhookReceiver, testRedisUrl, uniquePrefix, type WebhookReceiver } from '@render-signal/testing';
import { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { startDispatchProcessor } from '../src/service.js';

const MESSAGES = 50;
const OUTAGE_MS = 3_600_000;
const log = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });

const message = (uid: number): DispatchJob => ({
  ref: { mailbox: 'INBOX', uidValidity: '7', uid },
  emailId: uid.toString(16).padStart(32, '0'),
  payload: {
    microsoft_graph_email_id: uid.toString(16).padStart(32, '0'),
    subject: `Lot ${uid}`,
    receivedDateTime: 'Tue, 13 Jan 2026 09:58:12 +0100',
    sender_address: 'planning@studio-lumiere.example.com',
    bodyPreview: '',
    email_content: '',
    sender_email: 'planning@studio-lumiere.example.com',
  },
});

/** A TCP front for the receiver on a fixed port: connections are refused until `up()`. */
function front(port: number, target: number) {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    up: () =>
      new Promise<void>((resolve, reject) => {
        server = createServer((client) => {
          const upstream = createConnection(target, '127.0.0.1');
          for (const s of [client, upstream]) {
            sockets.add(s);
            s.on('close', () => sockets.delete(s)).on('error', () => undefined);
          }
          client.pipe(upstream).pipe(client);
        });
        server.once('error', reject).listen(port, '127.0.0.1', () => resolve());
      }),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    },
  };
}

describe('an hour-long receiver outage', () => {
  let redis: Redis;
  let prefix: string;
  let lifecycle: Lifecycle;
  let receiver: WebhookReceiver;
  let door: ReturnType<typeof front>;

  beforeEach(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    prefix = uniquePrefix('outage');
    lifecycle = new Lifecycle(log);
  });
  afterEach(async () => {
    await lifecycle.stop();
    await door?.close();
    await receiver?.close();
    await redis.quit();
    await deleteKeys(testRedisUrl(), prefix);
  });

  it('delivers every message exactly once when the receiver comes back, none dead-lettered', async () => {
    receiver = await startWebhookReceiver();
    const [port] = await freePorts(1);
    door = front(port!, Number(new URL(receiver.url).port));
    // The production defaults: 10 attempts, 5 s base of the Svix-like schedule, 600/min limit.
    const config = loadConfig({ WEBHOOK_URL: `http://127.0.0.1:${port}/hook`, RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: 'true' });
    const producer = createProducer(QUEUES.dispatch, redis, prefix, { attempts: config.webhook.maxAttempts });
    lifecycle.onStop('producer', () => producer.queue.close());
    const { worker, deadLetters } = startDispatchProcessor({
      redis,
      prefix,
      log,
      metrics: new Metrics(),
      lifecycle,
      webhook: config.webhook,
      delivery: config.delivery,
      clock: () => new Date(),
    });

    let failures = 0;
    const completed = new Set<string>();
    const waiters: (() => void)[] = [];
    const notify = () => waiters.splice(0).forEach((w) => w());
    worker.on('failed', () => (failures++, notify()));
    worker.on('completed', (j) => (completed.add(String(j.id)), notify()));
    const until = async (condition: () => boolean) => {
      while (!condition()) await new Promise<void>((resolve) => waiters.push(resolve));
    };

    const ids: string[] = [];
    for (let uid = 1; uid <= MESSAGES; uid++) ids.push(await producer.add(message(uid)));

    // Time is simulated, not waited for. Each round lets every pending message make one attempt,
    // reads the retry delay BullMQ stored on each job (job.delay, from our backoff strategy), adds
    // it to that message's simulated clock, then promotes every delayed job: that is the moment
    // its retry falls due. Once every message's clock has passed the hour, the receiver comes back
    // (its port starts accepting connections), and the next promotion delivers.
    const simulated = new Map<string, number>(ids.map((id) => [id, 0]));
    let rounds = 0;
    let expectedFailures = 0;
    for (;;) {
      expectedFailures += MESSAGES - completed.size;
      await until(() => failures === expectedFailures);
      rounds += 1;
      for (const id of ids) {
        const job = await Job.fromId(producer.queue, id);
        expect(await job?.getState()).toBe('delayed');
        simulated.set(id, simulated.get(id)! + Number(job?.delay));
      }
      if (Math.min(...simulated.values()) >= OUTAGE_MS) break;
      await producer.queue.promoteJobs();
    }
    await door.up();
    await producer.queue.promoteJobs();
    await until(() => completed.size === MESSAGES);

    // Attempts at 0, ~5 s, ~5 min and ~35 min fail; the one at ~2 h 35 delivers.
    expect(rounds).toBe(4);
    expect(Math.max(...simulated.values())).toBeLessThan(3 * OUTAGE_MS);
    expect(receiver.requests).toHaveLength(MESSAGES);
    const webhookIds = new Set(receiver.requests.map((r) => r.headers['webhook-id']));
    expect(webhookIds.size).toBe(MESSAGES);
    for (const id of ids) {
      const job = await Job.fromId(producer.queue, id);
      expect(await job?.getState()).toBe('completed');
      expect(job?.attemptsMade).toBe(rounds + 1);
    }
    expect(await deadLetters.count()).toBe(0);
  });
});

import { EventEmitter, once } from 'node:events';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { loadConfig, type Config } from '@render-signal/config';
import { QUEUES, deliveredDispatchData, messageKey, type DispatchJob, type JobDefaults } from '@render-signal/contracts';
import { createLogger } from '@render-signal/logger';
import { DeadLetterStore, Lifecycle, Metrics, createProducer } from '@render-signal/queue';
import { deleteKeys, startWebhookReceiver, testRedisUrl, uniquePrefix, type WebhookReceiver, type WebhookResponse } from '@render-signal/testing';
import { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { Webhook } from 'standardwebhooks';
import { applyRateLimit } from '../src/rate-limit.js';
import { DispatchMetrics } from '../src/dispatch-metrics.js';
import { deliveryLogKey, logAttempt, readDeliveryLog } from '../src/delivery-log.js';
import { ENDPOINT_STATE_CACHE_MS, disableEndpoint, enableEndpoint, endpointDisabled, endpointHash, isEndpointDisabled } from '../src/endpoint-state.js';
import { startDispatchProcessor } from '../src/service.js';

const SECRET = `whsec_${Buffer.from('a-test-secret-of-32-bytes-length').toString('base64')}`;
/** The dispatcher's clock in these tests: Tue 2026-01-13 10:15 in Paris. */
const NOW = new Date('2026-01-13T09:15:00Z');

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
const jobNo = (uid: number): DispatchJob => ({ ...job, ref: { ...job.ref, uid }, emailId: `${job.emailId.slice(0, 30)}${String(uid).padStart(2, '0')}` });

describe('webhook delivery through BullMQ', () => {
  let redis: Redis;
  let prefix: string;
  let lifecycle: Lifecycle;
  let receiver: WebhookReceiver | undefined;
  let logLines: Record<string, unknown>[];
  /** Emits 'line' for every log line written (to wait on a line instead of polling). */
  const logged = new EventEmitter();
  /** The first log line matching, already written or to come. */
  const logLine = (match: (l: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const found = logLines.find(match);
      if (found) return resolve(found);
      const on = (l: Record<string, unknown>) => {
        if (!match(l)) return;
        logged.off('line', on);
        resolve(l);
      };
      logged.on('line', on);
    });

  beforeEach(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    prefix = uniquePrefix('dispatch');
    logLines = [];
    lifecycle = new Lifecycle(logger());
  });
  afterEach(async () => {
    await lifecycle.stop();
    await receiver?.close();
    receiver = undefined;
    await redis.quit();
    await deleteKeys(testRedisUrl(), prefix);
  });

  function logger() {
    return createLogger({
      service: 'test',
      level: 'debug',
      destination: new Writable({
        write: (chunk: Buffer, _e, done) => {
          for (const text of chunk.toString('utf8').split('\n').filter(Boolean)) {
            const line = JSON.parse(text) as Record<string, unknown>;
            logLines.push(line);
            logged.emit('line', line);
          }
          done();
        },
      }),
    });
  }

  /**
   * Starts the dispatcher as the service does, against `url`, with a 1 ms retry base (so the
   * schedule's first steps are immediate) unless the producer's options say otherwise.
   */
  function start(
    url: string,
    options: { secret?: string; timeoutMs?: number; jobOptions?: Partial<JobDefaults>; delivery?: Partial<Config['delivery']>; clock?: () => Date } = {},
  ) {
    const env = { WEBHOOK_URL: url, RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: 'true', WEBHOOK_TIMEOUT_SECONDS: '1', ...(options.secret ? { WEBHOOK_SECRET: options.secret } : {}) };
    const config = loadConfig(env);
    const webhook = { ...config.webhook, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
    const delivery = { ...config.delivery, retryBaseMs: 1, ...options.delivery };
    const producer = createProducer(QUEUES.dispatch, redis, prefix, { attempts: 3, ...options.jobOptions });
    lifecycle.onStop('producer', () => producer.queue.close());
    const metrics = new Metrics();
    const endpoint = endpointHash(url);
    const dispatchMetrics = new DispatchMetrics(metrics.registry, async () => ({ endpoint, disabled: await isEndpointDisabled(redis, prefix, endpoint) }));
    const processor = startDispatchProcessor({ redis, prefix, log: logger(), metrics, dispatchMetrics, lifecycle, webhook, delivery, clock: options.clock ?? (() => NOW) });
    return { producer, metrics, ...processor };
  }

  /** Resolves when the job is finished (completed, or failed for good). */
  function finished(worker: ReturnType<typeof start>['worker']): Promise<Job> {
    return new Promise<Job>((resolve) => {
      worker.on('completed', (j) => resolve(j));
      worker.on('failed', (j) => j?.finishedOn && resolve(j));
    });
  }

  async function deliver(url: string, options: Parameters<typeof start>[1] = {}) {
    const { producer, worker, deadLetters } = start(url, { ...options, jobOptions: { backoff: { type: 'fixed', delay: 5 }, ...options.jobOptions } });
    const done = finished(worker);
    await producer.add(job);
    const j = await done;
    return { job: j, dead: await deadLetters.getJob(String(j.id)) };
  }

  it('retries a failing receiver and signs every attempt with the same webhook-id', async () => {
    let calls = 0;
    receiver = await startWebhookReceiver({
      respond: () => (++calls <= 2 ? { status: 503, body: 'busy' } : { status: 200, body: { success: true } }),
    });
    const { job: done, dead } = await deliver(receiver.url, { secret: SECRET, clock: () => new Date() });

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
    expect(Number(request?.headers['webhook-timestamp'])).toBe(NOW.getTime() / 1000);
    expect(request?.headers['webhook-signature']).toBeUndefined();
  });

  it('holds a message until its notBefore without using an attempt, and sends one whose time has come', async () => {
    receiver = await startWebhookReceiver();
    const { producer, worker } = start(receiver.url);
    const inAnHour = new Date(NOW.getTime() + 3_600_000).toISOString();
    const held = await producer.add({ ...jobNo(1), notBefore: inAnHour });
    await waitForState(producer.queue, held, 'delayed');
    const heldJob = await Job.fromId(producer.queue, held);
    expect(heldJob?.attemptsMade).toBe(0);
    // Postponed to the window's opening, as measured by the dispatcher's clock.
    expect((heldJob?.timestamp ?? 0) + (heldJob?.delay ?? 0)).toBeGreaterThanOrEqual(Date.now() + 3_600_000 - 60_000);
    expect(logLines.find((l) => l.code === 'dispatch.held')).toMatchObject({ until: inAnHour });

    const sent = new Promise<void>((resolve) => worker.on('completed', () => resolve()));
    await producer.add({ ...jobNo(2), notBefore: new Date(NOW.getTime() - 1_000).toISOString() });
    await sent;
    expect(receiver.requests).toHaveLength(1);
  });

  it('parks a 400 in dispatch.dead after one attempt, with the receiver’s words', async () => {
    receiver = await startWebhookReceiver({ respond: () => ({ status: 400, body: { success: false, message: 'payload invalide' } }) });
    const { dead } = await deliver(receiver.url);
    expect(receiver.requests).toHaveLength(1);
    expect(dead?.data).toMatchObject({ code: 'dispatch.rejected', reason: 'HTTP 400: payload invalide', attemptsMade: 1 });
    const [entry] = await readDeliveryLog(redis, prefix);
    expect(entry).toMatchObject({ outcome: 'dead', status: 400, reasonCode: 'dispatch.rejected', attempt: 1 });
  });

  it('does not follow a redirect: a 3xx goes to dispatch.dead', async () => {
    receiver = await startWebhookReceiver({ respond: () => ({ status: 307, headers: { location: 'http://127.0.0.1:9/elsewhere' } }) });
    const { dead } = await deliver(receiver.url);
    expect(receiver.requests).toHaveLength(1);
    expect(dead?.data).toMatchObject({ code: 'dispatch.redirect_refused', attemptsMade: 1 });
  });

  it('retries a timeout until the attempts are used up', async () => {
    let release!: () => void;
    const never = new Promise<void>((resolve) => (release = resolve));
    receiver = await startWebhookReceiver({ respond: async () => (await never, { status: 200 }) });
    const slow = await deliver(receiver.url, { timeoutMs: 50, jobOptions: { attempts: 2 } });
    release();
    expect(receiver.requests).toHaveLength(2);
    expect(slow.dead?.data).toMatchObject({ code: 'dispatch.network', reason: 'request failed: ETIMEDOUT', attemptsMade: 2 });
    const log = await readDeliveryLog(redis, prefix);
    expect(log.map((e) => [e.attempt, e.outcome, e.error])).toEqual([
      [2, 'dead', 'ETIMEDOUT'],
      [1, 'retry', 'ETIMEDOUT'],
    ]);
  });

  it('retries a refused connection until the attempts are used up', async () => {
    const closed = await startWebhookReceiver();
    const url = closed.url;
    await closed.close();
    const refused = await deliver(url, { jobOptions: { attempts: 2 } });
    expect(refused.dead?.data).toMatchObject({ code: 'dispatch.network', reason: 'request failed: ECONNREFUSED', attemptsMade: 2 });
  });

  describe('Retry-After', () => {
    /** Runs one job whose first answer is `first`, then 200; returns the delay BullMQ chose after the first. */
    async function delayAfter(first: WebhookResponse) {
      let calls = 0;
      receiver = await startWebhookReceiver({ respond: () => (++calls === 1 ? first : { status: 200, body: { success: true } }) });
      const { producer, worker } = start(receiver.url);
      const retried = once(worker, 'failed');
      const id = await producer.add(job);
      await retried;
      const delayed = await Job.fromId(producer.queue, id);
      const delay = delayed?.delay;
      const state = await delayed?.getState();
      // Time is not waited for: the job is promoted (unless its delay already ran out), and must
      // then be delivered.
      const done = once(worker, 'completed');
      await delayed?.promote().catch(() => undefined);
      await done;
      return { delay, state, requests: receiver.requests.length };
    }

    it('waits what a 429 asks for in seconds', async () => {
      expect(await delayAfter({ status: 429, body: 'slow down', headers: { 'retry-after': '120' } })).toEqual({ delay: 120_000, state: 'delayed', requests: 2 });
    });

    it('waits until the HTTP date of a 503, measured from the dispatcher’s clock', async () => {
      const at = new Date(NOW.getTime() + 90_000).toUTCString();
      expect(await delayAfter({ status: 503, body: 'maintenance', headers: { 'retry-after': at } })).toMatchObject({ delay: 90_000, state: 'delayed' });
    });

    it('waits at most an hour, however long the receiver asks', async () => {
      expect(await delayAfter({ status: 429, headers: { 'retry-after': String(24 * 3600) } })).toMatchObject({ delay: 3_600_000 });
    });

    it('falls back to the schedule without the header', async () => {
      // Base 1 ms, first step ×1 minus up to 20 % jitter: 0 or 1 ms.
      expect((await delayAfter({ status: 503 })).delay).toBeLessThanOrEqual(1);
    });
  });

  describe('410 Gone', () => {
    it('disables the endpoint, postpones every delivery to it without using attempts, and resumes them when re-enabled', async () => {
      let gone = true;
      receiver = await startWebhookReceiver({ respond: () => (gone ? { status: 410, body: 'endpoint retired' } : { status: 200, body: { success: true } }) });
      const endpoint = endpointHash(receiver.url);
      const { producer, worker, deadLetters, metrics } = start(receiver.url);

      const postponed = (id: string) => waitForState(producer.queue, id, 'delayed');
      const first = await producer.add(jobNo(1));
      await postponed(first);
      const second = await producer.add(jobNo(2));
      await postponed(second);

      expect(receiver.requests).toHaveLength(1); // the second one was not sent
      const state = await endpointDisabled(redis, prefix, endpoint);
      expect(state).toMatchObject({ endpoint, status: 410, reason: 'HTTP 410: endpoint retired', emailId: jobNo(1).emailId, disabledAt: NOW.toISOString() });
      for (const id of [first, second]) expect((await Job.fromId(producer.queue, id))?.attemptsMade).toBe(0);
      expect(await deadLetters.count()).toBe(0);
      expect(logLines.find((l) => l.code === 'dispatch.endpoint_disabled')).toMatchObject({ level: 'error', endpoint, status: 410 });
      expect(logLines.filter((l) => l.code === 'dispatch.endpoint_paused')).toHaveLength(1);
      expect(await metrics.registry.getSingleMetricAsString('render_signal_dispatch_endpoint_disabled')).toContain(`{endpoint="${endpoint}"} 1`);
      expect((await readDeliveryLog(redis, prefix))[0]).toMatchObject({ outcome: 'disabled', status: 410, emailId: jobNo(1).emailId });

      gone = false;
      const completed: string[] = [];
      const both = new Promise<void>((resolve) =>
        worker.on('completed', (j) => {
          completed.push(String(j.id));
          if (completed.length === 2) resolve();
        }),
      );
      expect(await enableEndpoint(redis, prefix, endpoint)).toEqual({ wasDisabled: true, resumed: 2 });
      await both;
      expect(completed.sort()).toEqual([first, second].sort());
      expect(receiver.requests).toHaveLength(3);
      expect(await endpointDisabled(redis, prefix, endpoint)).toBeUndefined();
      expect(await metrics.registry.getSingleMetricAsString('render_signal_dispatch_endpoint_disabled')).toContain(`{endpoint="${endpoint}"} 0`);
    });

    it('is seen within ENDPOINT_STATE_CACHE_MS when another process disabled the endpoint', async () => {
      receiver = await startWebhookReceiver();
      const endpoint = endpointHash(receiver.url);
      const { producer, worker } = start(receiver.url);
      const delivered = once(worker, 'completed');
      await producer.add(jobNo(1));
      await delivered; // this process now trusts "enabled" for a while
      await disableEndpoint(redis, prefix, { endpoint, status: 410, reason: 'gone', disabledAt: NOW.toISOString(), emailId: 'elsewhere' });
      await new Promise((resolve) => setTimeout(resolve, ENDPOINT_STATE_CACHE_MS + 100));
      const second = await producer.add(jobNo(2));
      await waitForState(producer.queue, second, 'delayed');
      expect(receiver.requests).toHaveLength(1);
      expect(logLines.filter((l) => l.code === 'dispatch.endpoint_paused')).toHaveLength(1);
    });

    it('is a state of one URL: another WEBHOOK_URL is another endpoint', async () => {
      receiver = await startWebhookReceiver();
      await disableEndpoint(redis, prefix, { endpoint: endpointHash('https://old.example.org/hook'), status: 410, reason: 'gone', disabledAt: NOW.toISOString(), emailId: 'x' });
      const { job: done } = await deliver(receiver.url);
      expect(await done.getState()).toBe('completed');
      expect(receiver.requests).toHaveLength(1);
    });
  });

  it('logs every attempt in a capped stream with hashes, never the subject or an address, and counts them', async () => {
    let calls = 0;
    receiver = await startWebhookReceiver({ respond: () => (++calls === 1 ? { status: 502, body: 'bad gateway' } : { status: 200, body: { success: true } }) });
    const { producer, worker, metrics } = start(receiver.url, { delivery: { logMaxEntries: 10 } });
    const done = once(worker, 'completed');
    await producer.add(job);
    await done;

    const entries = await readDeliveryLog(redis, prefix);
    const webhookIdSent = receiver.requests[0]?.headers['webhook-id'];
    expect(entries).toEqual([
      expect.objectContaining({ attempt: 2, outcome: 'delivered', status: 200, webhookId: webhookIdSent, emailId: job.emailId, jobId: messageKey(job.ref), at: NOW.toISOString() }),
      expect.objectContaining({ attempt: 1, outcome: 'retry', status: 502, reasonCode: 'dispatch.receiver_unavailable', webhookId: webhookIdSent }),
    ]);
    expect(entries[0]?.subjectHash).toMatch(/^[0-9a-f]{12}$/);
    expect(entries[0]?.endpoint).toBe(endpointHash(receiver.url));
    const raw = JSON.stringify(await redis.xrange(deliveryLogKey(prefix), '-', '+'));
    for (const secret of [job.payload.subject, 'Recadrage', job.payload.sender_email, 'studio-lumiere', receiver.url]) expect(raw).not.toContain(secret);

    // Day filter in the configured zone: 09:15 UTC is the 13th in Paris but still the 12th in Pago Pago (UTC-11).
    expect(await readDeliveryLog(redis, prefix, { day: '2026-01-13', timezone: 'Europe/Paris' })).toHaveLength(2);
    expect(await readDeliveryLog(redis, prefix, { day: '2026-01-12', timezone: 'Europe/Paris' })).toHaveLength(0);
    expect(await readDeliveryLog(redis, prefix, { day: '2026-01-12', timezone: 'Pacific/Pago_Pago' })).toHaveLength(2);
    expect(await readDeliveryLog(redis, prefix, { since: new Date(NOW.getTime() + 1) })).toHaveLength(0);
    expect(await readDeliveryLog(redis, prefix, { limit: 1 })).toHaveLength(1);

    const text = await metrics.registry.metrics();
    expect(text).toMatch(/render_signal_dispatch_deliveries_total\{class="5xx"\} 1/);
    expect(text).toMatch(/render_signal_dispatch_deliveries_total\{class="2xx"\} 1/);
    expect(text).toMatch(/render_signal_dispatch_attempts_total\{outcome="retry"\} 1/);
    expect(text).toMatch(/render_signal_dispatch_latency_seconds_count\{class="2xx"\} 1/);
  });

  it('keeps only references in a delivered job, written with the log entry; never recreates a job that is gone', async () => {
    receiver = await startWebhookReceiver();
    const { producer, worker } = start(receiver.url);
    const done = finished(worker);
    await producer.add(job);
    const id = String((await done).id);
    expect((await Job.fromId(producer.queue, id))?.data).toEqual({ ref: job.ref, emailId: job.emailId, delivered: true });
    expect((await readDeliveryLog(redis, prefix))[0]).toMatchObject({ jobId: id, outcome: 'delivered' });

    const gone = `${prefix}:dispatch:gone`;
    const [entry] = await readDeliveryLog(redis, prefix);
    const { id: _id, ...attempt } = entry!;
    await logAttempt(redis, prefix, { ...attempt, jobId: 'gone' }, 10, { jobKey: gone, data: { delivered: true } });
    expect(await redis.exists(gone)).toBe(0);
    expect((await readDeliveryLog(redis, prefix)).map((e) => e.jobId)).toEqual(['gone', id]);
  });

  it('completes a job found in its delivered form (its worker stopped after the delivery) without sending it again', async () => {
    receiver = await startWebhookReceiver();
    const { producer, worker } = start(receiver.url);
    await producer.queue.pause();
    const id = await producer.add(job);
    // What the first run left: the payload replaced by references, then no completion.
    await (await Job.fromId(producer.queue, id))!.updateData(deliveredDispatchData(job));
    const done = finished(worker);
    await producer.queue.resume();
    const completed = await done;
    expect(await completed.getState()).toBe('completed');
    expect(completed.returnvalue).toEqual({ alreadyDelivered: true });
    expect(receiver.requests).toHaveLength(0);
    expect(await logLine((l) => l.code === 'dispatch.already_delivered')).toMatchObject({ level: 'info', jobId: id, emailId: job.emailId });
  });

  it('delivers (once) even when the delivery log cannot be written, says so, and still drops the payload', async () => {
    receiver = await startWebhookReceiver();
    await redis.set(deliveryLogKey(prefix), 'not a stream'); // XADD now fails with WRONGTYPE
    const { job: done, dead } = await deliver(receiver.url);
    expect(await done.getState()).toBe('completed');
    expect(dead).toBeUndefined();
    expect(receiver.requests).toHaveLength(1);
    expect(JSON.parse((await redis.hget(`${done.queueQualifiedName}:${done.id}`, 'data'))!)).toEqual(deliveredDispatchData(job));
    // The log entry is written without waiting; its failure is reported as it comes back.
    expect(await logLine((l) => l.code === 'redis.error')).toMatchObject({ level: 'warn', during: 'delivery_log' });
  });

  it('keeps the delivery log near its cap', async () => {
    receiver = await startWebhookReceiver();
    const { producer, worker } = start(receiver.url, { delivery: { logMaxEntries: 10 } });
    let n = 0;
    const all = new Promise<void>((resolve) => worker.on('completed', () => ++n === 150 && resolve()));
    for (let uid = 1; uid <= 150; uid++) await producer.add(jobNo(uid));
    await all;
    // MAXLEN ~ trims whole stream nodes (100 entries each by default), never below the cap.
    const length = await redis.xlen(deliveryLogKey(prefix));
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThanOrEqual(110);
  });

  it('applies the rate limit across the queue', async () => {
    receiver = await startWebhookReceiver();
    const { producer, worker } = start(receiver.url, { delivery: { rateLimit: { max: 2, durationMs: 60_000 } } });
    expect(worker.opts.limiter).toEqual({ max: 2, duration: 60_000 });
    let n = 0;
    const two = new Promise<void>((resolve) => worker.on('completed', () => ++n === 2 && resolve()));
    for (let uid = 1; uid <= 3; uid++) await producer.add(jobNo(uid));
    await two;
    // The third waits for the window: the limiter key is full and has a TTL.
    expect(await producer.queue.getRateLimitTtl(2)).toBeGreaterThan(0);
    expect(await producer.queue.getWaitingCount()).toBe(1);
    expect(receiver.requests).toHaveLength(2);
  });

  it('follows a rate limit changed at run time, without a restart', async () => {
    receiver = await startWebhookReceiver();
    const { producer, worker } = start(receiver.url, { delivery: { rateLimit: { max: 2, durationMs: 60_000 } } });
    const completions = (n: number) =>
      new Promise<void>((resolve) => {
        let seen = 0;
        const on = () => {
          if (++seen < n) return;
          worker.off('completed', on);
          resolve();
        };
        worker.on('completed', on);
      });
    let done = completions(2);
    for (let uid = 1; uid <= 3; uid++) await producer.add(jobNo(uid));
    await done;
    expect(await producer.queue.getWaitingCount()).toBe(1);

    // Lifted: the job held by the old window goes out well before that window would end.
    done = completions(1);
    expect(await applyRateLimit(worker, producer.queue, null)).toBe(true);
    expect(await applyRateLimit(worker, producer.queue, null)).toBe(false);
    await done;
    expect(receiver.requests).toHaveLength(3);

    // Tightened to one per minute: of two more, one goes out and the other waits.
    done = completions(1);
    expect(await applyRateLimit(worker, producer.queue, { max: 1, durationMs: 60_000 })).toBe(true);
    for (let uid = 4; uid <= 5; uid++) await producer.add(jobNo(uid));
    await done;
    expect(await producer.queue.getRateLimitTtl(1)).toBeGreaterThan(0);
    expect(await producer.queue.getWaitingCount()).toBe(1);
    expect(receiver.requests).toHaveLength(4);
  }, 15_000);

  it('replays a dead letter: delivered once, with the same webhook-id', async () => {
    let accept = false;
    receiver = await startWebhookReceiver({ respond: () => (accept ? { status: 200, body: { success: true } } : { status: 422, body: { success: false, message: 'Lot inconnu' } }) });
    const { producer, worker } = start(receiver.url);
    const failed = new Promise<Job>((resolve) => worker.on('failed', (j) => j?.finishedOn && resolve(j)));
    const id = await producer.add(job);
    await failed;

    const store = new DeadLetterStore(QUEUES.dispatch, { connection: redis, prefix });
    lifecycle.onStop('dead letters', () => store.close());
    expect((await store.list({ code: 'dispatch.rejected' })).map((e) => e.letterId)).toEqual([id]);
    accept = true;
    const completed = once(worker, 'completed');
    expect(await store.replay(id)).toEqual({ letterId: id, outcome: 'replayed', replayJobId: `${id}.replay1` });
    const [replayed] = (await completed) as [Job];
    expect(replayed.id).toBe(`${id}.replay1`);
    expect(await store.replay(id)).toEqual({ letterId: id, outcome: 'not_found' });
    expect(await store.list()).toEqual([]);
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1]?.headers['webhook-id']).toBe(receiver.requests[0]?.headers['webhook-id']);
  });
});

/** Waits for a job to reach a state, on the queue's own events. */
async function waitForState(queue: import('bullmq').Queue, id: string, state: string): Promise<void> {
  const { QueueEvents } = await import('bullmq');
  const events = new QueueEvents(queue.name, { connection: queue.opts.connection, prefix: queue.opts.prefix });
  try {
    await events.waitUntilReady();
    const reached = new Promise<void>((resolve) => events.on(state as 'delayed', ({ jobId }) => jobId === id && resolve()));
    if ((await Job.fromId(queue, id).then((j) => j?.getState())) === state) return;
    await reached;
  } finally {
    await events.close();
  }
}

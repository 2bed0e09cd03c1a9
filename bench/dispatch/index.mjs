// Benchmark "dispatch" (issue: dispatcher): webhooks per second delivered by the dispatch
// processor (BullMQ worker, endpoint check, signed headers, one got POST, delivery log, metrics)
// to a local receiver, against the same number of bare got POSTs of the same body, in the same run.
//   throughput.c8               webhooks/s at concurrency 8 (the service's), goal: ratio >= 0.8
//   throughput.c8-bullmq-floor  a bare BullMQ processor whose handler is only the got POST: how
//                               much of the gap is the queue itself rather than the dispatcher
//   throughput.c8-receiver-20ms the same two sides against a receiver that answers after 20 ms, as
//                               a quick real backend does (no goal: what a user would see)
import { Writable } from 'node:stream';
import { median, round3 } from '../lib/measure.mjs';
import { packagesOf } from '../lib/workspace-packages.mjs';

export const name = 'dispatch';
export const issue = 'dispatcher';

const CONCURRENCY = 8;
const PER_ROUND = 400;
const ROUNDS = 7;
const WARMUP = 200;
const GOAL = 0.8;
/** The realistic receiver's answer time, and its rounds (each side of a round takes ≥ 0.5 s). */
const SLOW_RECEIVER_MS = 20;
const SLOW_PER_ROUND = 200;
const SLOW_ROUNDS = 5;
/** What the user's receiver answers (the baseline checks `success`). */
const OK = { status: 200, body: { success: true, message: 'Webhook reçu' } };
/** Production signs every webhook (WEBHOOK_SECRET), so ours signs too: 32 bytes, whsec_ form. */
const SECRET = `whsec_${Buffer.from('render-signal-bench-secret-32-by').toString('base64')}`;

const { load, versionOf } = packagesOf('services/webhook-dispatcher');

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** A decided email as the parser hands it on (fixture 01's shape, about 1 KB of JSON). */
function message(uid) {
  return {
    ref: { mailbox: 'INBOX', uidValidity: '7', uid },
    emailId: uid.toString(16).padStart(32, '0'),
    payload: {
      microsoft_graph_email_id: uid.toString(16).padStart(32, '0'),
      subject: 'Média Solution - Missions Recadrage - Lot 4127',
      receivedDateTime: 'Tue, 13 Jan 2026 09:58:12 +0100',
      sender_address: 'Planning <planning@studio-lumiere.example.com>',
      bodyPreview: 'Bonjour, merci de traiter les fichiers ci-dessous avant 11h51. '.repeat(3).slice(0, 200),
      email_content: 'Bonjour, merci de traiter les fichiers ci-dessous avant 11h51.\n'.repeat(10),
      detector: 'recadrage',
      delivery_time: '11h51',
      sender_email: 'planning@studio-lumiere.example.com',
      delivery_links: [{ provider: 'dropbox', raw_url: 'https://www.dropbox.com/scl/fo/abc/def?rlkey=x&dl=0' }],
    },
  };
}

export async function run() {
  const [{ default: got }, { Redis }, { Webhook }, { loadConfig }, { createLogger }, queue, contracts, dispatcher, testing] = await Promise.all([
    load('got'),
    load('ioredis'),
    load('standardwebhooks'),
    import('../../packages/config/dist/index.js'),
    import('../../packages/logger/dist/index.js'),
    import('../../packages/queue/dist/index.js'),
    import('../../packages/contracts/dist/index.js'),
    import('../../services/webhook-dispatcher/dist/index.js'),
    import('../../packages/testing/dist/index.js'),
  ]);
  const redisServer = await testing.startRedisServer();
  const receiver = await testing.startWebhookReceiver();
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const log = createLogger({ service: 'bench', level: 'info', destination: new Writable({ write: (_c, _e, done) => done() }) });
  const lifecycle = new queue.Lifecycle(log);
  try {
    const config = loadConfig({ WEBHOOK_URL: receiver.url, RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: 'true', WEBHOOK_SECRET: SECRET });
    // The limiter stays on, as in production, but wide enough not to be what is measured.
    const delivery = { ...config.delivery, rateLimit: { max: 1_000_000, durationMs: 60_000 } };
    const prefix = 'bench';
    const producer = queue.createProducer(contracts.QUEUES.dispatch, redis, prefix, { attempts: config.webhook.maxAttempts });
    lifecycle.onStop('producer', () => producer.queue.close());
    const metrics = new queue.Metrics();
    const dispatchMetrics = new dispatcher.DispatchMetrics(metrics.registry);
    await producer.queue.pause();
    const { worker } = dispatcher.startDispatchProcessor({ redis, prefix, log, metrics, dispatchMetrics, lifecycle, webhook: config.webhook, delivery, clock: () => new Date(), concurrency: CONCURRENCY });

    // The floor: the same queue machinery (createProcessor, same contract and concurrency) around
    // nothing but the POST, on its own prefix.
    const floorPrefix = 'bench-floor';
    const floorProducer = queue.createProducer(contracts.QUEUES.dispatch, redis, floorPrefix, { attempts: config.webhook.maxAttempts });
    lifecycle.onStop('floor producer', () => floorProducer.queue.close());
    await floorProducer.queue.pause();
    const floor = queue.createProcessor(
      contracts.QUEUES.dispatch,
      async (data) => {
        const res = await got.post(receiver.url, { body: JSON.stringify(data.payload), headers: { 'content-type': 'application/json' }, retry: { limit: 0 }, followRedirect: false, throwHttpErrors: false });
        if (res.statusCode !== 200) throw new Error(`floor got HTTP ${res.statusCode}`);
      },
      { connection: redis, prefix: floorPrefix, log, metrics: new queue.Metrics(), lifecycle, concurrency: CONCURRENCY },
    );

    let uid = 0;
    /** Enqueues n jobs with the queue paused (untimed), then times resume → n completed. */
    const drain = (p, w) => {
      let completed = 0;
      let failed = 0;
      let wake = () => {};
      w.on('completed', () => (completed++, wake()));
      w.on('failed', () => (failed++, wake()));
      return async (n) => {
        for (let i = 0; i < n; i++) await p.add(message(++uid));
        const target = completed + n;
        const cpu = process.cpuUsage();
        const start = now();
        await p.queue.resume();
        while (completed < target) {
          if (failed > 0) throw new Error(`${failed} dispatch job(s) failed`);
          await new Promise((resolve) => (wake = resolve));
        }
        const ms = now() - start;
        const used = process.cpuUsage(cpu);
        await p.queue.pause();
        return { ms, cpuUs: used.user + used.system };
      };
    };
    const ours = drain(producer, worker);
    const bare = drain(floorProducer, floor.worker);

    /** The same bodies POSTed by bare got, CONCURRENCY at a time, each answer checked the same way. */
    const bareGot = (url) => async (n) => {
      const bodies = Array.from({ length: n }, () => JSON.stringify(message(++uid).payload));
      let next = 0;
      const cpu = process.cpuUsage();
      const start = now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < n) {
            const body = bodies[next++];
            const res = await got.post(url, { body, headers: { 'content-type': 'application/json' }, retry: { limit: 0 }, followRedirect: false, throwHttpErrors: false });
            if (res.statusCode !== 200 || JSON.parse(res.body).success !== true) throw new Error(`baseline got HTTP ${res.statusCode}`);
          }
        }),
      );
      const ms = now() - start;
      const used = process.cpuUsage(cpu);
      return { ms, cpuUs: used.user + used.system };
    };

    const baseline = bareGot(receiver.url);
    const sides = { ours, floor: bare, baseline };
    for (const fn of Object.values(sides)) await fn(WARMUP);
    const rates = { ours: [], floor: [], baseline: [] };
    // CPU of this process (every thread: main, GC, libuv) per webhook over the timed part, and of
    // redis-server: on a small machine throughput is bounded by CPU, so these say where a gap
    // comes from.
    const cpuUs = { ours: [], floor: [], baseline: [] };
    const redisCpuUs = { ours: [], floor: [], baseline: [] };
    const redisCpuMs = async () => {
      const info = await redis.info('cpu');
      const field = (k) => Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
      return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
    };
    const orders = [
      ['ours', 'baseline', 'floor'],
      ['baseline', 'floor', 'ours'],
      ['floor', 'ours', 'baseline'],
    ];
    for (let r = 0; r < ROUNDS; r++) {
      receiver.requests.length = 0; // the receiver records bodies: keep its memory flat
      for (const side of orders[r % orders.length]) {
        globalThis.gc?.();
        const redisBefore = await redisCpuMs();
        const { ms, cpuUs: used } = await sides[side](PER_ROUND);
        rates[side].push((PER_ROUND * 1000) / ms);
        cpuUs[side].push(used / PER_ROUND);
        // Includes enqueueing this side's jobs (untimed for the rate), a few µs per webhook.
        redisCpuUs[side].push(((await redisCpuMs()) - redisBefore) * 1000 / PER_ROUND);
      }
      if (receiver.requests.length !== 3 * PER_ROUND) throw new Error(`receiver got ${receiver.requests.length} requests, expected ${3 * PER_ROUND}`);
    }
    // Ours signed every webhook of the last round, verifiably (the other sides send no signature).
    const signed = receiver.requests.filter((r) => r.headers['webhook-signature']);
    if (signed.length !== PER_ROUND) throw new Error(`${signed.length} signed requests in the last round, expected ${PER_ROUND}`);
    new Webhook(SECRET).verify(signed[0].body, signed[0].headers);
    const logged = await dispatcher.readDeliveryLog(redis, prefix, { limit: 1 });
    if (logged[0]?.outcome !== 'delivered') throw new Error('the delivery log has no delivered entry');

    // A receiver that takes SLOW_RECEIVER_MS to answer: ours (another dispatcher on its own
    // prefix, same options) against bare got, both pointed at it.
    const slowReceiver = await testing.startWebhookReceiver({ respond: () => new Promise((resolve) => setTimeout(resolve, SLOW_RECEIVER_MS, OK)) });
    lifecycle.onStop('slow receiver', () => slowReceiver.close());
    const slowConfig = loadConfig({ WEBHOOK_URL: slowReceiver.url, RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: 'true', WEBHOOK_SECRET: SECRET });
    const slowPrefix = 'bench-slow';
    const slowProducer = queue.createProducer(contracts.QUEUES.dispatch, redis, slowPrefix, { attempts: slowConfig.webhook.maxAttempts });
    lifecycle.onStop('slow producer', () => slowProducer.queue.close());
    await slowProducer.queue.pause();
    const slow = dispatcher.startDispatchProcessor({ redis, prefix: slowPrefix, log, metrics: new queue.Metrics(), lifecycle, webhook: slowConfig.webhook, delivery, clock: () => new Date(), concurrency: CONCURRENCY });
    const slowSides = { ours: drain(slowProducer, slow.worker), baseline: bareGot(slowReceiver.url) };
    for (const fn of Object.values(slowSides)) await fn(CONCURRENCY * 4);
    const slowRates = { ours: [], baseline: [] };
    for (let r = 0; r < SLOW_ROUNDS; r++) {
      slowReceiver.requests.length = 0;
      for (const side of r % 2 ? ['baseline', 'ours'] : ['ours', 'baseline']) {
        const { ms } = await slowSides[side](SLOW_PER_ROUND);
        slowRates[side].push((SLOW_PER_ROUND * 1000) / ms);
      }
      if (slowReceiver.requests.length !== 2 * SLOW_PER_ROUND) throw new Error(`the slow receiver got ${slowReceiver.requests.length} requests, expected ${2 * SLOW_PER_ROUND}`);
    }
    const slowRatios = slowRates.ours.map((v, i) => v / slowRates.baseline[i]);

    const roundRatios = rates.ours.map((v, i) => v / rates.baseline[i]);
    const ratio = median(roundRatios);
    const floorRatios = rates.floor.map((v, i) => v / rates.baseline[i]);
    const oursToFloor = rates.ours.map((v, i) => v / rates.floor[i]);
    return [
      {
        name: `throughput.c${CONCURRENCY}`,
        unit: 'webhooks/s',
        value: round3(median(rates.ours)),
        baseline: round3(median(rates.baseline)),
        baselineName: `bare got ${versionOf('got')} POSTs, ${CONCURRENCY} in flight`,
        ratio: round3(ratio),
        ratioRange: [round3(Math.min(...roundRatios)), round3(Math.max(...roundRatios))],
        higherIsBetter: true,
        goal: { minRatio: GOAL, text: `ratio >= ${GOAL}` },
        details: {
          concurrency: CONCURRENCY,
          perRound: PER_ROUND,
          rounds: ROUNDS,
          warmup: WARMUP,
          bodyBytes: JSON.stringify(message(1).payload).length,
          receiver: 'packages/testing startWebhookReceiver on 127.0.0.1 (records every request)',
          redis: 'private redis-server started for the run',
          ours: 'startDispatchProcessor (services/webhook-dispatcher): BullMQ worker, zod check of the job, endpoint-disabled check, offload results read (the payload has a link), Standard Webhooks headers signed with WEBHOOK_SECRET, got POST, delivery-log XADD, metrics, info log line to a null sink; limiter on (1e6/min)',
          samples: { ours: rates.ours.map(round3), baseline: rates.baseline.map(round3) },
          cpuUsPerWebhook: Object.fromEntries(Object.entries(cpuUs).map(([k, v]) => [k, round3(median(v))])),
          redisCpuUsPerWebhook: Object.fromEntries(Object.entries(redisCpuUs).map(([k, v]) => [k, round3(median(v))])),
          roundRatios: roundRatios.map(round3),
          bullmq: versionOf('bullmq'),
        },
        note: `Ours is timed from resuming a paused queue holding ${PER_ROUND} jobs until all are completed; enqueueing is not timed. All sides share one receiver and one Node process, and redis-server runs on the same cores.`,
      },
      {
        name: `throughput.c${CONCURRENCY}-receiver-${SLOW_RECEIVER_MS}ms`,
        unit: 'webhooks/s',
        value: round3(median(slowRates.ours)),
        baseline: round3(median(slowRates.baseline)),
        baselineName: `bare got ${versionOf('got')} POSTs, ${CONCURRENCY} in flight, to the same receiver`,
        ratio: round3(median(slowRatios)),
        ratioRange: [round3(Math.min(...slowRatios)), round3(Math.max(...slowRatios))],
        higherIsBetter: true,
        goal: null,
        details: {
          receiver: `startWebhookReceiver answering 200 after ${SLOW_RECEIVER_MS} ms`,
          perRound: SLOW_PER_ROUND,
          rounds: SLOW_ROUNDS,
          ceiling: round3((CONCURRENCY * 1000) / SLOW_RECEIVER_MS),
          samples: { ours: slowRates.ours.map(round3), baseline: slowRates.baseline.map(round3) },
          roundRatios: slowRatios.map(round3),
        },
        note: `The same dispatcher and the same bare got against a receiver that answers after ${SLOW_RECEIVER_MS} ms (${CONCURRENCY} in flight: at most ${round3((CONCURRENCY * 1000) / SLOW_RECEIVER_MS)}/s): what the dispatcher's own cost leaves of the throughput when the receiver is a real backend rather than an instant one in the same process.`,
      },
      {
        name: `throughput.c${CONCURRENCY}-bullmq-floor`,
        unit: 'webhooks/s',
        value: round3(median(rates.floor)),
        baseline: round3(median(rates.baseline)),
        baselineName: `bare got ${versionOf('got')} POSTs, ${CONCURRENCY} in flight`,
        ratio: round3(median(floorRatios)),
        ratioRange: [round3(Math.min(...floorRatios)), round3(Math.max(...floorRatios))],
        higherIsBetter: true,
        goal: null,
        details: {
          what: 'createProcessor (packages/queue) on the dispatch contract whose handler only POSTs the payload with got: the cost of the queue alone',
          samples: { floor: rates.floor.map(round3), baseline: rates.baseline.map(round3) },
          roundRatios: floorRatios.map(round3),
          oursToFloorRatios: oursToFloor.map(round3),
          oursToFloorMedian: round3(median(oursToFloor)),
        },
        note: `Ours ÷ this floor, round by round: median ${round3(median(oursToFloor))}; what the dispatcher adds on top of BullMQ.`,
      },
    ];
  } finally {
    await lifecycle.stop();
    await redis.quit();
    await receiver.close();
    await redisServer.stop();
  }
}

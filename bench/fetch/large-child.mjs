// One large message in a fresh process, so that its resident memory is that message's alone:
//   node large-child.mjs '<json>'     json: { mode: 'ours' | 'baseline', env, uid?, timeoutMs? }
// ours:     the imap-fetcher service alone (runServices([imapFetcher]), built code) on an empty
//           mailbox. Once it watches the mailbox the child prints {"ready":true}; the parent then
//           APPENDs the large message, and the child waits until its parse job exists and the sync
//           has ended (lease released), then stops the service.
// baseline: a bare imapflow client that logs in, opens the mailbox read-only and UID FETCHes the
//           full source of message `uid` into memory (held until the end).
// Both import the same modules first. Last stdout line: one JSON object with the timings, RSS
// before the start and when ready, peak RSS (sampled every 10 ms, and the kernel's maxRSS); KiB.
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { kib, loadModules, measureRss, openBareClient } from './child-common.mjs';

const { mode, env, uid, timeoutMs = 60_000 } = JSON.parse(process.argv[2] ?? '{}');
if (!['ours', 'baseline'].includes(mode) || !env || (mode === 'baseline' && !(uid > 0))) {
  console.error(`usage: large-child.mjs '{"mode":"ours|baseline","env":{...},"uid":1}'`);
  process.exit(2);
}
const { ImapFlow, QueueEvents, Redis, queue, fetcher, contracts } = await loadModules();
const rss = measureRss(mode, timeoutMs);
const result = mode === 'ours' ? await ours() : await baseline();
rss.report(result);

async function waitUntil(condition) {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function ours() {
  const prefix = env.REDIS_PREFIX;
  const redisUrl = new URL(env.REDIS_URL);
  const connection = { host: redisUrl.hostname, port: Number(redisUrl.port), maxRetriesPerRequest: null };
  const events = new QueueEvents(contracts.QUEUES.parse.name, { connection, prefix, lastEventId: '0-0' });
  const added = [];
  let duplicated = 0;
  let wake = () => {};
  events.on('added', ({ jobId }) => {
    added.push({ jobId, at: Date.now() });
    wake();
  });
  events.on('duplicated', () => (duplicated += 1));
  await events.waitUntilReady();

  let logLines = 0;
  const sink = new Writable({ write: (chunk, _enc, done) => ((logLines += chunk.toString('utf8').split('\n').filter(Boolean).length), done()) });
  const services = await queue.runServices([fetcher.imapFetcher], { env, logDestination: sink });
  const watching = services.context.metrics.registry.getSingleMetric('render_signal_fetch_watching');
  await waitUntil(async () => (await watching.get()).values[0]?.value === 1);
  const readyKiB = kib(process.memoryUsage().rss);
  const readyAt = Date.now();
  console.log(JSON.stringify({ ready: true }));

  while (added.length === 0) await new Promise((resolve) => (wake = resolve));
  const jobAt = added[0].at;
  // The sync that added the job still sets \Seen and moves the cursor: wait for its end.
  const leaseKey = fetcher.leaseKeys(prefix, env.IMAP_MAILBOX ?? 'INBOX').lease;
  const probe = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  await waitUntil(async () => (await probe.exists(leaseKey)) === 0);
  const syncEndAt = Date.now();
  const cleanStop = await services.stop();
  await probe.quit();
  await events.close();
  return { readyKiB, readyAt, jobAt, syncEndAt, jobIds: added.map((a) => a.jobId), duplicated, logLines, cleanStop };
}

async function baseline() {
  const client = await openBareClient(ImapFlow, env);
  await client.mailboxOpen('INBOX', { readOnly: true });
  const readyKiB = kib(process.memoryUsage().rss);
  const start = performance.now();
  const msg = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
  const ms = performance.now() - start;
  await client.logout().catch(() => client.close());
  if (!msg?.source) throw new Error(`baseline: no source for UID ${uid}`);
  return { readyKiB, ms, bytes: msg.source.length };
}

// One backlog drain in a fresh process, so that its resident memory is the drain's alone:
//   node drain-child.mjs '<json>'     json: { mode: 'ours' | 'baseline', n, env, timeoutMs? }
// ours:     the imap-fetcher service (runServices, built code) on a mailbox already holding n
//           unseen messages, timed from the start of runServices until n parse jobs exist.
// baseline: a bare imapflow client that logs in, opens the mailbox read-only and UID FETCHes the
//           full source of every message into memory (held until the end).
// Prints one JSON line: ms, firstMs (ours), peak RSS (sampled every 10 ms, and the kernel's
// maxRSS), RSS before the start; sizes in KiB.
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { fetchAllSources } from '../lib/imap.mjs';
import { loadModules, measureRss, openBareClient } from './child-common.mjs';

const { mode, n, env, timeoutMs: TIMEOUT_MS = 45_000 } = JSON.parse(process.argv[2] ?? '{}');
if (!['ours', 'baseline'].includes(mode) || !(n > 0) || !env) {
  console.error(`usage: drain-child.mjs '{"mode":"ours|baseline","n":1000,"env":{...}}'`);
  process.exit(2);
}
const { ImapFlow, QueueEvents, Redis, queue, fetcher, contracts } = await loadModules();
const rss = measureRss(mode, TIMEOUT_MS);
const result = mode === 'ours' ? await ours() : await baseline();
rss.report({ n, ...result });

async function ours() {
  const prefix = env.REDIS_PREFIX;
  const redisUrl = new URL(env.REDIS_URL);
  const connection = { host: redisUrl.hostname, port: Number(redisUrl.port), maxRetriesPerRequest: null };
  // A fresh prefix: the events stream is read from its beginning, so no event can be missed.
  const events = new QueueEvents(contracts.QUEUES.parse.name, { connection, prefix, lastEventId: '0-0' });
  const added = new Set();
  let duplicated = 0;
  let firstAt;
  let doneAt;
  let wake = () => {};
  events.on('added', ({ jobId }) => {
    const t = performance.now();
    firstAt ??= t;
    added.add(jobId);
    if (added.size >= n && doneAt === undefined) doneAt = t;
    wake();
  });
  events.on('duplicated', () => (duplicated += 1));
  await events.waitUntilReady();

  let warnLines = 0;
  const sink = new Writable({ write: (chunk, _enc, done) => ((warnLines += chunk.toString('utf8').split('\n').filter(Boolean).length), done()) });
  const start = performance.now();
  const services = await queue.runServices([fetcher.imapFetcher], { env, logDestination: sink });
  while (doneAt === undefined) await new Promise((resolve) => (wake = resolve));
  const ms = doneAt - start;
  const firstMs = firstAt - start;
  // Let the sync that enqueued the last job finish (\Seen, cursor), then stop as production does.
  const leaseKey = fetcher.leaseKeys(prefix, env.IMAP_MAILBOX ?? 'INBOX').lease;
  const probe = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
  while ((await probe.exists(leaseKey)) === 1) await new Promise((resolve) => setTimeout(resolve, 20));
  const cleanStop = await services.stop();
  await probe.quit();
  await events.close();
  return { ms, firstMs, jobsAdded: added.size, duplicated, logLines: warnLines, cleanStop };
}

async function baseline() {
  const start = performance.now();
  const client = await openBareClient(ImapFlow, env);
  const { messages, bytes } = await fetchAllSources(client, 'INBOX');
  const ms = performance.now() - start;
  await client.logout().catch(() => client.close());
  if (messages !== n) throw new Error(`baseline fetched ${messages} messages, expected ${n}`);
  return { ms, messages, bytes };
}

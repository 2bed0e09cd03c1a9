// The floor of the drain: the same backlog through the same stack (imapflow, BullMQ queues over
// Redis, mailparser, got) with none of the system's own work, in a fresh process like
// drain-child.mjs:
//   node floor-child.mjs '<json>'   json: { imap: { host, port, caFile, user, pass }, redisUrl, prefix, webhookUrl, timeoutMs? }
// Loads its modules (not timed), prints {"ready":true}, then obeys one word per stdin line:
//   go     drains the mailbox: UNSEEN sources fetched 50 per UID FETCH, each chunk's raw
//          messages SET in one pipeline and its parse jobs added with one addBulk (ids
//          mailbox.uidvalidity.uid), \Seen per chunk; a parse worker (concurrency 4) GETs the raw
//          message, runs mailparser's simpleParser, adds a dispatch job, DELs the raw message; a
//          dispatch worker (concurrency 8) POSTs {subject, from, text} as JSON with got (one
//          attempt, no redirects). Prints {"fetched":n} once every message is enqueued.
//   stop   closes everything and prints the result line (CPU time since `go`, peak RSS), then exits
// What it leaves out is what the system adds: the lease and the fenced cursor, IDLE, the large
// message path, job contracts checked with zod, the decision rules, dedupe by Message-ID, the
// delivery window, signing, the delivery log, metrics and logs.
import { readFileSync } from 'node:fs';
import { packagesOf } from '../lib/workspace-packages.mjs';
import { stdinWords } from '../lib/stdin-words.mjs';

const { imap, redisUrl, prefix, webhookUrl, timeoutMs = 120_000 } = JSON.parse(process.argv[2] ?? '{}');
if (!imap || !redisUrl || !prefix || !webhookUrl) {
  console.error(`usage: floor-child.mjs '{"imap":{...},"redisUrl":"…","prefix":"…","webhookUrl":"…"}'`);
  process.exit(2);
}
const fetcherPackages = packagesOf('services/imap-fetcher');
const [{ ImapFlow }, { Queue, Worker }, { Redis }, { simpleParser }, { default: got }] = await Promise.all([
  fetcherPackages.load('imapflow'),
  fetcherPackages.load('bullmq'),
  fetcherPackages.load('ioredis'),
  packagesOf('services/parser').load('mailparser'),
  packagesOf('services/webhook-dispatcher').load('got'),
]);
const deadline = setTimeout(() => {
  console.error(`floor-child: not stopped within ${timeoutMs} ms`);
  process.exit(1);
}, timeoutMs);

const CHUNK = 50;
const { next, close: closeInput } = stdinWords('floor-child');
const fail = (err) => {
  console.error(`floor-child: ${err?.stack ?? err}`);
  process.exit(1);
};

console.log(JSON.stringify({ ready: true }));
await next('go');
const cpu0 = process.cpuUsage();
const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
const keep = { removeOnComplete: { count: 10_000 }, removeOnFail: { count: 10_000 } };
const parseQueue = new Queue('parse', { connection: redis, prefix, defaultJobOptions: keep });
const dispatchQueue = new Queue('dispatch', { connection: redis, prefix, defaultJobOptions: keep });
const workers = [
  new Worker(
    'parse',
    async (job) => {
      const raw = await redis.getBuffer(job.data.rawKey);
      const mail = await simpleParser(raw);
      await dispatchQueue.add('dispatch', { subject: mail.subject, from: mail.from?.text, text: mail.text }, { jobId: job.id });
      await redis.del(job.data.rawKey);
    },
    { connection: redis, prefix, concurrency: 4 },
  ),
  new Worker(
    'dispatch',
    async (job) => {
      const res = await got.post(webhookUrl, { json: job.data, retry: { limit: 0 }, followRedirect: false, throwHttpErrors: false });
      if (res.statusCode !== 200) throw new Error(`receiver answered ${res.statusCode}`);
    },
    { connection: redis, prefix, concurrency: 8 },
  ),
];
for (const w of workers) w.on('failed', (job, err) => fail(`${w.name} job ${job?.id} failed: ${err.message}`));

const client = new ImapFlow({ host: imap.host, port: imap.port, secure: true, tls: { ca: readFileSync(imap.caFile) }, auth: { user: imap.user, pass: imap.pass }, logger: false, disableAutoIdle: true });
let fetched = 0;
try {
  await client.connect();
  const box = await client.mailboxOpen('INBOX');
  const uids = await client.search({ seen: false }, { uid: true });
  const rawKey = (uid) => `${prefix}:raw:${uid}`;
  for (let i = 0; i < uids.length; i += CHUNK) {
    const chunk = uids.slice(i, i + CHUNK).join(',');
    const messages = [];
    for await (const m of client.fetch(chunk, { uid: true, source: true }, { uid: true })) messages.push(m);
    await messages.reduce((batch, m) => batch.set(rawKey(m.uid), m.source, 'EX', 3600), redis.pipeline()).exec();
    await parseQueue.addBulk(messages.map((m) => ({ name: 'parse', data: { rawKey: rawKey(m.uid) }, opts: { jobId: `INBOX.${box.uidValidity}.${m.uid}` } })));
    await client.messageFlagsAdd(chunk, ['\\Seen'], { uid: true });
    fetched += messages.length;
  }
  await client.logout();
} catch (err) {
  fail(err);
}
console.log(JSON.stringify({ fetched }));

await next('stop');
const cpu = process.cpuUsage(cpu0);
for (const w of workers) await w.close();
await parseQueue.close();
await dispatchQueue.close();
await redis.quit();
clearTimeout(deadline);
closeInput();
console.log(JSON.stringify({ stopped: true, cpuUs: cpu.user + cpu.system, maxRssKiB: process.resourceUsage().maxRSS }));

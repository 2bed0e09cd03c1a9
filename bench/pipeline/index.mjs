// Benchmark "pipeline" (issue: e2e): every service in one process (built code) against a private
// Dovecot, a private redis-server and a recording webhook receiver, from the APPEND of a mail to
// the signed webhook POST, each figure next to a bare imapflow client doing the IMAP part alone,
// in the same run.
//   push-latency.p50|p99   APPEND completed → webhook received, one mail at a time, with IDLE
//                          push (goal p50 < 600 ms); baseline: APPEND completed → 'exists' on a
//                          bare IDLE client of the same mailbox (Dovecot delays IDLE
//                          notifications by about 0.5 s)
//   push-overhead.p50|p99  per mail, ours minus the bare notification: what the pipeline adds
//   drain.2000             backlog of 2,000 unseen mails → 2,000 distinct emails at the receiver,
//                          mails/s (goal ≥ 1,000), the services in a fresh child; baseline: a
//                          bare UID FETCH 1:* of the same full sources into memory
//   drain-per-stage.2000   the same drain with one process per stage, as render.yaml deploys them
//   drain-floor.2000       the same drain through the stack alone (imapflow, BullMQ, mailparser,
//                          got, no code of ours; floor-child.mjs): what ours could reach at best
//   drain-duplicates.2000  deliveries beyond one per email during that drain (goal 0)
//   drain-peak-rss.2000    peak RSS of that child; baseline: the child with its modules loaded
//   peak-rss.backlog-500   peak RSS of `render-signal start` (all services, a fresh child) while
//                          a backlog of 500 mails goes through (goal < 200 MiB); baseline: the
//                          same child idle just before the backlog
// Every phase checks that each appended mail reached the receiver, that nothing else did, and
// that every delivery carries a valid Standard Webhooks signature.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { fetchAllSources, imapClientsOf, multiAppendAll } from '../lib/imap.mjs';
import { median, metricValues, mib, nullLog, percentile, pollUntil, round3 } from '../lib/measure.mjs';
import { packagesOf } from '../lib/workspace-packages.mjs';

export const name = 'pipeline';
export const issue = 'e2e';

const LATENCY_SAMPLES = 40;
const LATENCY_WARMUP = 3;
/** Quiet time after a mail's webhook (and the end of its sync) before the next APPEND. */
const GAP_MS = 100;
const LATENCY_GOAL_MS = 600;
const DRAIN_N = 2_000;
const DRAIN_GOAL = 1_000; // mails/s
const DRAIN_TIMEOUT_MS = 90_000;
const RSS_N = 500;
const RSS_GOAL_MIB = 200;
/** Idle time of the child, sampled, before the backlog. */
const IDLE_MS = 2_000;
const RSS_SAMPLE_MS = 10;
/** After the last email: longer than the 1 s polling interval, so a late re-delivery would show. */
const SETTLE_MS = 1_500;
const EVENT_TIMEOUT_MS = 15_000;
const APPEND_BATCH = 1_000;
const MAILBOX = 'INBOX';
const DOMAIN = 'bench.example.org';
/** Production signs every webhook (WEBHOOK_SECRET), so the services here sign too. */
const SECRET = `whsec_${Buffer.from('render-signal-bench-secret-32-by').toString('base64')}`;
const CLI = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url));
const DRAIN_CHILD = fileURLToPath(new URL('./drain-child.mjs', import.meta.url));
const FLOOR_CHILD = fileURLToPath(new URL('./floor-child.mjs', import.meta.url));
/** The dashboard runs too (`start` runs every service): its two required variables. */
const DASHBOARD_ENV = {
  TRIGGER_PAGE_USER: 'bench',
  TRIGGER_PAGE_PASSWORD: 'bench-dashboard-password',
  FLASK_SECRET_KEY: 'bench-flask-secret-key-0123456789abcdef',
};
const OK = { status: 200, body: { success: true, message: 'Webhook reçu' } };

const fetcherPackages = packagesOf('services/imap-fetcher');
const dispatcherPackages = packagesOf('services/webhook-dispatcher');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const subjectOf = (tag, n) => `${tag} message ${n}`;

const waitFor = (condition, what, timeoutMs = EVENT_TIMEOUT_MS) => pollUntil(condition, what, timeoutMs);

/**
 * A recording receiver (startWebhookReceiver) that answers as the user's receiver does and notes,
 * per email (the payload's subject), when its first delivery arrived, how many came and their
 * webhook-id headers. `until(condition)` resolves at the arrival that makes it true.
 */
async function startRecorder(testing) {
  const emails = new Map(); // subject -> { firstAt, count, ids }
  let deliveries = 0;
  const waiters = new Set();
  const receiver = await testing.startWebhookReceiver({
    respond(req) {
      const at = performance.now();
      deliveries += 1;
      const subject = typeof req.json?.subject === 'string' ? req.json.subject : '(no subject)';
      let entry = emails.get(subject);
      if (!entry) emails.set(subject, (entry = { firstAt: at, count: 0, ids: new Set() }));
      entry.count += 1;
      entry.ids.add(String(req.headers['webhook-id']));
      for (const wake of [...waiters]) wake();
      return OK;
    },
  });
  return {
    url: receiver.url,
    emails,
    requests: receiver.requests,
    deliveries: () => deliveries,
    until(condition, what, timeoutMs = EVENT_TIMEOUT_MS) {
      if (condition()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const wake = () => {
          if (!condition()) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${emails.size} distinct emails, ${deliveries} deliveries so far)`));
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    close: () => receiver.close(),
  };
}

/**
 * What reached the receiver against what was appended: every expected email, nothing else, one
 * delivery and one webhook-id per email, a valid signature on each delivery.
 */
function tally(recorder, expected, Webhook) {
  const verifier = new Webhook(SECRET);
  let badSignatures = 0;
  for (const r of recorder.requests) {
    try {
      verifier.verify(r.body, { 'webhook-id': r.headers['webhook-id'], 'webhook-timestamp': r.headers['webhook-timestamp'], 'webhook-signature': r.headers['webhook-signature'] });
    } catch {
      badSignatures += 1;
    }
  }
  const missing = expected.filter((s) => !recorder.emails.has(s));
  const wanted = new Set(expected);
  const unexpected = [...recorder.emails.keys()].filter((s) => !wanted.has(s));
  const entries = [...recorder.emails.values()];
  return {
    deliveries: recorder.deliveries(),
    distinctEmails: recorder.emails.size,
    missing: missing.length,
    unexpected: unexpected.length,
    duplicateDeliveries: recorder.deliveries() - recorder.emails.size,
    emailsDeliveredMoreThanOnce: entries.filter((e) => e.count > 1).length,
    emailsWithSeveralWebhookIds: entries.filter((e) => e.ids.size > 1).length,
    maxDeliveriesPerEmail: Math.max(0, ...entries.map((e) => e.count)),
    badSignatures,
    examples: { missing: missing.slice(0, 3), unexpected: unexpected.slice(0, 3) },
  };
}

function checkTally(what, t) {
  if (t.missing || t.unexpected || t.badSignatures) {
    throw new Error(`${what}: ${t.missing} expected email(s) never delivered, ${t.unexpected} unexpected, ${t.badSignatures} bad signature(s) (${JSON.stringify(t.examples)})`);
  }
}

/**
 * `node script arg` in a fresh process (no flags inherited) that talks in lines: JSON objects on
 * its stdout (each kept with `at`, when it arrived), one word per line on its stdin (`send`).
 */
function startLineChild(script, arg, timeoutMs) {
  const child = spawn(process.execPath, [script, arg], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  const lines = [];
  const waiters = new Set();
  let err = '';
  let code;
  const notify = () => {
    for (const wake of [...waiters]) wake();
  };
  createInterface({ input: child.stdout }).on('line', (text) => {
    const at = performance.now();
    try {
      lines.push({ ...JSON.parse(text), at });
    } catch {
      err += `(stdout) ${text}\n`;
    }
    notify();
  });
  child.stderr.on('data', (d) => (err += d));
  child.stdin.on('error', () => {});
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise((resolve) =>
    child.on('close', (c, signal) => {
      clearTimeout(timer);
      code = c ?? signal;
      resolve(code);
      notify();
    }),
  );
  return {
    exited,
    stderr: () => err,
    send: (word) => child.stdin.write(`${word}\n`),
    kill: () => (code === undefined ? child.kill('SIGKILL') : undefined),
    /** The first line matching, already printed or to come; rejects if the child ends first. */
    line(match, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find(match);
          if (found) {
            waiters.delete(check);
            resolve(found);
          } else if (code !== undefined) {
            waiters.delete(check);
            reject(new Error(`${script} exited (${code}) before printing ${what}: ${err.trim().slice(-500)}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** VmRSS and VmHWM (KiB) of a process, from /proc. */
function procStatus(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

export async function run() {
  const [{ ImapFlow }, { Queue }, { Redis }, { Webhook }, queue, contracts, fetcher, cli, testing] = await Promise.all([
    fetcherPackages.load('imapflow'),
    fetcherPackages.load('bullmq'),
    fetcherPackages.load('ioredis'),
    dispatcherPackages.load('standardwebhooks'),
    import('../../packages/queue/dist/index.js'),
    import('../../packages/contracts/dist/index.js'),
    import('../../services/imap-fetcher/dist/index.js'),
    import('../../packages/cli/dist/index.js'),
    import('../../packages/testing/dist/index.js'),
  ]);
  const users = { latency: 'latencypw', drain: 'drainpw', stages: 'stagespw', floor: 'floorpw', rss: 'rsspw' };
  const redisServer = await testing.startRedisServer();
  const dovecot = await testing.startDovecot({ users });
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const cleanups = [];
  const imapClient = imapClientsOf(ImapFlow, dovecot, users);
  const serviceEnv = (user, prefix, webhookUrl, extra = {}) => ({
    ...dovecot.mailboxEnv(user),
    REDIS_URL: redisServer.url,
    REDIS_PREFIX: prefix,
    WEBHOOK_URL: webhookUrl,
    WEBHOOK_SECRET: SECRET,
    RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: 'true',
    ALLOW_CUSTOM_WEBHOOK_WITHOUT_LINKS: 'true',
    WEBHOOK_RATE_LIMIT_MAX: '0',
    EMAIL_POLLING_INTERVAL_SECONDS: '1',
    METRICS_PORT: '0',
    PORT: '0',
    LOG_LEVEL: 'warn',
    ...DASHBOARD_ENV,
    ...extra,
  });
  const leaseFree = (prefix) => async () => (await redis.exists(fetcher.leaseKeys(prefix, MAILBOX).lease)) === 0;
  /** No sync running and no job of the pipeline's queues left to run: the system is at rest. */
  const atRest = (prefix) => async () => {
    if (!(await leaseFree(prefix)())) return false;
    for (const contract of [contracts.QUEUES.parse, contracts.QUEUES.offload, contracts.QUEUES.dispatch]) {
      const q = new Queue(contract.name, { connection: redis, prefix });
      try {
        const c = await q.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused', 'waiting-children');
        if (Object.values(c).some((n) => n > 0)) return false;
      } finally {
        await q.close();
      }
    }
    return true;
  };
  const failedJobs = async (prefix) => {
    const out = {};
    for (const contract of [contracts.QUEUES.fetch, contracts.QUEUES.parse, contracts.QUEUES.offload, contracts.QUEUES.dispatch]) {
      const q = new Queue(contract.name, { connection: redis, prefix });
      out[contract.name] = await q.getJobCountByTypes('failed');
      await q.close();
    }
    return out;
  };

  try {
    // ── 1. APPEND → webhook, with IDLE push; baseline: APPEND → 'exists' on a bare IDLE client ──
    const latPrefix = 'bench-pipeline-push';
    const latRecorder = await startRecorder(testing);
    cleanups.push(() => latRecorder.close());
    const appender = imapClient('latency', { disableAutoIdle: true });
    cleanups.push(() => appender.logout().catch(() => appender.close()));
    await appender.connect();
    // The same IDLE settings as the fetcher's watch connection (imapConnector with idle).
    const bare = imapClient('latency', { autoIdleDelay: 100 });
    cleanups.push(() => bare.logout().catch(() => bare.close()));
    await bare.connect();
    await bare.mailboxOpen(MAILBOX, { readOnly: true });
    const existsAt = new Map(); // message count -> time
    bare.on('exists', ({ count }) => existsAt.has(count) || existsAt.set(count, performance.now()));
    await waitFor(() => bare.idling, 'the bare client to enter IDLE');

    // A long polling interval in this phase: every sync comes from the IDLE push, none from a tick.
    const latLog = nullLog();
    const latServices = await queue.runServices(cli.ALL_SERVICES, {
      env: serviceEnv('latency', latPrefix, latRecorder.url, { EMAIL_POLLING_INTERVAL_SECONDS: '3600' }),
      logDestination: latLog.stream,
    });
    let latStopped = false;
    cleanups.push(() => (latStopped ? undefined : latServices.stop()));
    const watching = latServices.context.metrics.registry.getSingleMetric('render_signal_fetch_watching');
    await waitFor(async () => (await watching.get()).values[0]?.value === 1, 'the fetcher to watch the mailbox');

    const ours = [];
    const bareMs = [];
    const latSubjects = [];
    for (let i = 0; i < LATENCY_WARMUP + LATENCY_SAMPLES; i++) {
      const subject = subjectOf('push', i);
      const appended = await appender.append(MAILBOX, testing.plainMessage('push', i, DOMAIN));
      const done = performance.now();
      if (!appended?.uid) throw new Error('APPEND returned no UIDPLUS data');
      latSubjects.push(subject);
      const count = latSubjects.length;
      await latRecorder.until(() => latRecorder.emails.has(subject), `the webhook of mail ${i}`).catch((err) => {
        throw new Error(`${err.message} (exists seen: ${existsAt.has(count)}; service log: ${latLog.last.join(' | ')})`);
      });
      await waitFor(() => existsAt.has(count), `the bare client's exists for mail ${i}`);
      if (i >= LATENCY_WARMUP) {
        ours.push(latRecorder.emails.get(subject).firstAt - done);
        bareMs.push(existsAt.get(count) - done);
      }
      await waitFor(leaseFree(latPrefix), 'the sync to end');
      await sleep(GAP_MS);
    }
    await waitFor(atRest(latPrefix), 'the pipeline to come to rest');
    const latSyncs = await metricValues(latServices, 'render_signal_fetch_syncs_total');
    latStopped = true;
    const latCleanStop = await latServices.stop();
    const latTally = tally(latRecorder, latSubjects, Webhook);
    checkTally('push latency', latTally);
    const latFailed = await failedJobs(latPrefix);
    const overhead = ours.map((v, i) => v - bareMs[i]);

    // ── 2. Backlog drain: N mails appended while nothing runs, then every service starts ──
    /** Appends DRAIN_N plain mails to `user`'s INBOX while nothing runs (not timed). */
    const fillMailbox = async (user) => {
      const filler = imapClient(user, { disableAutoIdle: true });
      await filler.connect();
      const fillStart = performance.now();
      try {
        const fill = await multiAppendAll(filler, MAILBOX, Array.from({ length: DRAIN_N }, (_, k) => testing.plainMessage(user, k, DOMAIN)), APPEND_BATCH);
        return { ...fill, ms: performance.now() - fillStart };
      } finally {
        await filler.logout().catch(() => filler.close());
      }
    };
    /**
     * Drains `user`'s backlog with the services split over fresh drain-child processes, one per
     * entry of `groups` (service names; null: every service), started together (modules loaded
     * beforehand): timed from `go` until the receiver (here) has every distinct email, then
     * checked at rest, again after SETTLE_MS, and stopped.
     */
    const drainWith = async (user, prefix, groups) => {
      const recorder = await startRecorder(testing);
      cleanups.push(() => recorder.close());
      const subjects = Array.from({ length: DRAIN_N }, (_, k) => subjectOf(user, k));
      const children = groups.map((services) =>
        startLineChild(DRAIN_CHILD, JSON.stringify({ env: serviceEnv(user, prefix, recorder.url), ...(services ? { services } : {}), timeoutMs: 150_000 }), 160_000),
      );
      for (const child of children) cleanups.push(() => child.kill());
      await Promise.all(children.map((child) => child.line((l) => l.ready, 'ready')));
      const distinct = () => recorder.emails.size >= DRAIN_N && subjects.every((s) => recorder.emails.has(s));
      globalThis.gc?.();
      const start = performance.now();
      for (const child of children) child.send('go');
      await Promise.race([
        recorder.until(distinct, `${DRAIN_N} distinct emails`, DRAIN_TIMEOUT_MS),
        ...children.map((child) =>
          child.exited.then((code) => {
            throw new Error(`drain-child exited (${code}) before the drain ended`);
          }),
        ),
      ]).catch((err) => {
        throw new Error(`${err.message}; children's stderr: ${children.map((c) => c.stderr().slice(-300)).join(' | ')}`);
      });
      for (const child of children) child.send('mark');
      const arrivals = subjects.map((s) => recorder.emails.get(s).firstAt);
      const deliveredAtDone = recorder.deliveries();
      const started = await Promise.all(children.map((child) => child.line((l) => l.started, 'started')));
      const marks = await Promise.all(children.map((child) => child.line((l) => l.mark, 'mark')));
      // At rest, then one more polling interval and a half: a late second delivery would show here.
      await waitFor(atRest(prefix), 'the pipeline to come to rest after the drain', 30_000);
      await sleep(SETTLE_MS);
      await waitFor(atRest(prefix), 'the pipeline to come to rest after the drain', 30_000);
      for (const child of children) child.send('stop');
      const results = await Promise.all(children.map((child) => child.line((l) => 'cleanStop' in l, 'the result line')));
      const exits = await Promise.all(children.map((child) => child.exited));
      const drainTally = tally(recorder, subjects, Webhook);
      checkTally(`drain of ${user}`, drainTally);
      const cpuUs = marks.reduce((sum, m) => sum + m.cpuUs, 0);
      return {
        ms: Math.max(...arrivals) - start,
        firstMs: Math.min(...arrivals) - start,
        halfMs: [...arrivals].sort((a, b) => a - b)[(DRAIN_N >> 1) - 1] - start,
        startedMs: Math.max(...started.map((l) => l.at)) - start,
        deliveredAtDone,
        marks,
        results,
        exits,
        tally: drainTally,
        failed: await failedJobs(prefix),
        cpuUs,
        cpuMsPerMail: cpuUs / 1000 / DRAIN_N,
      };
    };

    const drainPrefix = 'bench-pipeline-drain';
    const fill = await fillMailbox('drain');
    const bareFetch = async () => {
      globalThis.gc?.();
      const start = performance.now();
      const client = imapClient('drain', { disableAutoIdle: true });
      await client.connect();
      const { messages, bytes } = await fetchAllSources(client, MAILBOX);
      const ms = performance.now() - start;
      await client.logout().catch(() => client.close());
      if (messages !== DRAIN_N) throw new Error(`the bare fetch got ${messages} messages, expected ${DRAIN_N}`);
      return { ms, bytes };
    };
    // Before and after ours (Dovecot's caches are warm for the second): the faster counts.
    const bareBefore = await bareFetch();
    // Every service in one fresh child, as `render-signal start` runs them.
    const one = await drainWith('drain', drainPrefix, [null]);
    const [mark] = one.marks;
    const [drained] = one.results;
    const bareAfter = await bareFetch();
    const bestBare = bareBefore.ms <= bareAfter.ms ? bareBefore : bareAfter;
    const rate = (n, ms) => (n * 1000) / ms;
    const drainRate = rate(DRAIN_N, one.ms);

    // ── 2a. The same drain with one process per stage, as render.yaml deploys them ──
    const STAGES = ['imap-fetcher', 'parser', 'r2-offloader', 'webhook-dispatcher'];
    await fillMailbox('stages');
    const staged = await drainWith('stages', 'bench-pipeline-stages', STAGES.map((name) => [name]));
    const stagedRate = rate(DRAIN_N, staged.ms);

    // ── 2b. The same drain through the stack alone (floor-child.mjs): imapflow, BullMQ, mailparser
    // and got doing the least a pipeline of these stages can do, in a fresh child, same receiver kind ──
    const floorRecorder = await startRecorder(testing);
    cleanups.push(() => floorRecorder.close());
    const floorSubjects = Array.from({ length: DRAIN_N }, (_, k) => subjectOf('floor', k));
    await fillMailbox('floor');
    const floorEnv = dovecot.mailboxEnv('floor');
    const floorArg = {
      imap: { host: floorEnv.IMAP_SERVER, port: Number(floorEnv.IMAP_PORT), caFile: floorEnv.IMAP_TLS_CA_FILE, user: floorEnv.EMAIL_ADDRESS, pass: floorEnv.EMAIL_PASSWORD },
      redisUrl: redisServer.url,
      prefix: 'bench-pipeline-floor',
      webhookUrl: floorRecorder.url,
      timeoutMs: 150_000,
    };
    const floorChild = startLineChild(FLOOR_CHILD, JSON.stringify(floorArg), 160_000);
    cleanups.push(() => floorChild.kill());
    await floorChild.line((l) => l.ready, 'ready');
    globalThis.gc?.();
    const floorStart = performance.now();
    floorChild.send('go');
    await Promise.race([
      floorRecorder.until(() => floorRecorder.emails.size >= DRAIN_N && floorSubjects.every((s) => floorRecorder.emails.has(s)), `${DRAIN_N} distinct emails`, DRAIN_TIMEOUT_MS),
      floorChild.exited.then((code) => {
        throw new Error(`floor-child exited (${code}) before the drain ended`);
      }),
    ]).catch((err) => {
      throw new Error(`floor: ${err.message}; child stderr: ${floorChild.stderr().slice(-500)}`);
    });
    const floorMs = Math.max(...floorSubjects.map((s) => floorRecorder.emails.get(s).firstAt)) - floorStart;
    floorChild.send('stop');
    const floorResult = await floorChild.line((l) => l.stopped, 'the result line');
    await floorChild.exited;
    const floorRate = rate(DRAIN_N, floorMs);

    // ── 3. Peak RSS of `render-signal start` (a fresh child) during a backlog of RSS_N mails ──
    const rssPrefix = 'bench-pipeline-rss';
    const rssRecorder = await startRecorder(testing);
    cleanups.push(() => rssRecorder.close());
    const warmSubject = subjectOf('rss-warm-up', 0);
    await dovecot.append('rss', testing.plainMessage('rss-warm-up', 0, DOMAIN));
    const spawnedAt = performance.now();
    const child = testing.spawnNodeProcess(CLI, ['start'], serviceEnv('rss', rssPrefix, rssRecorder.url), 'render-signal start');
    cleanups.push(() => (child.exitCode() === undefined ? child.child.kill('SIGKILL') : undefined));
    const pid = child.child.pid;
    const exitedEarly = child.exited.then((code) => {
      throw new Error(`render-signal start exited (${code}); stderr: ${child.stderr.slice(-5).join(' | ')}; log: ${child.lines.slice(-3).map((l) => JSON.stringify(l)).join(' | ')}`);
    });
    exitedEarly.catch(() => {});
    // Ready: the warm-up mail, there before the start, went through every stage.
    await Promise.race([rssRecorder.until(() => rssRecorder.emails.has(warmSubject), 'the warm-up webhook', 30_000), exitedEarly]);
    const warmUpMs = rssRecorder.emails.get(warmSubject).firstAt - spawnedAt;
    await waitFor(atRest(rssPrefix), 'the child to come to rest after the warm-up');
    const idleSamples = [];
    const idleEnd = performance.now() + IDLE_MS;
    while (performance.now() < idleEnd) {
      idleSamples.push(procStatus(pid).rss);
      await sleep(RSS_SAMPLE_MS);
    }
    const idle = procStatus(pid);
    const idleRss = median(idleSamples);

    let sampledPeak = 0;
    let samples = 0;
    const sampler = setInterval(() => {
      try {
        sampledPeak = Math.max(sampledPeak, procStatus(pid).rss);
        samples += 1;
      } catch {
        // the child ended; the exit is reported below
      }
    }, RSS_SAMPLE_MS);
    const rssSubjects = Array.from({ length: RSS_N }, (_, k) => subjectOf('rss', k));
    const rssMails = Array.from({ length: RSS_N }, (_, k) => testing.plainMessage('rss', k, DOMAIN));
    let backlogMs;
    let rssFill;
    try {
      const rssFiller = imapClient('rss', { disableAutoIdle: true });
      await rssFiller.connect();
      // One MULTIAPPEND: the whole backlog lands at once, while the child watches the mailbox.
      const appendStart = performance.now();
      try {
        rssFill = await multiAppendAll(rssFiller, MAILBOX, rssMails, RSS_N);
      } finally {
        await rssFiller.logout().catch(() => rssFiller.close());
      }
      const appendedAt = performance.now();
      await Promise.race([rssRecorder.until(() => rssSubjects.every((s) => rssRecorder.emails.has(s)), `${RSS_N} emails from the child`, 60_000), exitedEarly]);
      backlogMs = { appendMs: appendedAt - appendStart, lastEmailMs: Math.max(...rssSubjects.map((s) => rssRecorder.emails.get(s).firstAt)) - appendedAt };
      await waitFor(atRest(rssPrefix), 'the child to come to rest after the backlog', 30_000);
      await sleep(SETTLE_MS);
    } finally {
      clearInterval(sampler);
    }
    const after = procStatus(pid);
    child.child.kill('SIGTERM');
    let killTimer;
    const exitCode = await Promise.race([child.exited, new Promise((resolve) => (killTimer = setTimeout(resolve, 20_000, 'timeout')))]);
    clearTimeout(killTimer);
    if (exitCode === 'timeout') child.child.kill('SIGKILL');
    const rssTally = tally(rssRecorder, [warmSubject, ...rssSubjects], Webhook);
    checkTally('peak RSS', rssTally);
    const rssFailed = await failedJobs(rssPrefix);
    const peakKiB = Math.max(after.hwm, sampledPeak);

    const imapflow = fetcherPackages.versionOf('imapflow');
    const latencyDetails = {
      samples: LATENCY_SAMPLES,
      warmup: LATENCY_WARMUP,
      gapMs: GAP_MS,
      pollingIntervalS: 3600,
      services: cli.ALL_SERVICES.map((s) => s.name),
      statistic: 'nearest-rank percentile over the samples',
      oursMs: ours.map(round3),
      bareMs: bareMs.map(round3),
      overheadMs: overhead.map(round3),
      fetchSyncs: latSyncs,
      deliveries: latTally,
      failedJobs: latFailed,
      serviceLogLines: latLog.count(),
      cleanStop: latCleanStop,
      bullmq: fetcherPackages.versionOf('bullmq'),
      imapflow,
      server: 'private Dovecot (Maildir on tmpfs), private redis-server, recording receiver, loopback, implicit TLS',
    };
    const latencyNote = `Every service (${cli.ALL_SERVICES.map((s) => s.name).join(', ')}) in the benchmark's process through runServices, as \`render-signal start\` runs them; one mail at a time, appended on its own connection, the next one ${GAP_MS} ms after the previous webhook arrived and its sync ended. The polling interval is 1 h in this phase, so every sync comes from the IDLE push. Ours ends when the receiver has read the whole POST body.`;
    const latencyResult = (p) => ({
      name: `push-latency.p${p}`,
      unit: 'ms',
      value: round3(percentile(ours, p)),
      baseline: round3(percentile(bareMs, p)),
      baselineName: `bare imapflow ${imapflow} client in IDLE on the same mailbox, 'exists' event`,
      higherIsBetter: false,
      goal: p === 50 ? { max: LATENCY_GOAL_MS, text: `< ${LATENCY_GOAL_MS} ms` } : null,
      details: p === 50 ? latencyDetails : { see: 'push-latency.p50' },
      ...(p === 50 ? { note: latencyNote } : {}),
    });
    const overheadResult = (p) => ({
      name: `push-overhead.p${p}`,
      unit: 'ms',
      value: round3(percentile(overhead, p)),
      baseline: null,
      higherIsBetter: false,
      goal: null,
      details: { what: 'per mail: (APPEND → webhook received) − (APPEND → bare exists)', min: round3(Math.min(...overhead)), max: round3(Math.max(...overhead)), median: round3(median(overhead)) },
      ...(p === 50 ? { note: `What the pipeline adds to the server's own notification: the fetcher's sync (lease, login, SELECT, SEARCH, FETCH, raw message to Redis, parse job, \\Seen, cursor), the parse job (decision, payload, hand-off), the dispatch job and the signed POST. Bare notification p50 ${round3(percentile(bareMs, 50))} ms.` } : {}),
    });

    /** A drain rate next to the bare fetch of the same backlog. */
    const drainResult = (name, value, rest) => ({
      name: `${name}.${DRAIN_N}`,
      unit: 'mails/s',
      value: round3(value),
      baseline: round3(rate(DRAIN_N, bestBare.ms)),
      baselineName: `bare imapflow ${imapflow} UID FETCH 1:* of the full sources into memory`,
      higherIsBetter: true,
      goal: null,
      ...rest,
    });
    const drainGoal = { min: DRAIN_GOAL, text: `≥ ${DRAIN_GOAL} mails/s` };

    return [
      latencyResult(50),
      latencyResult(99),
      overheadResult(50),
      overheadResult(99),
      drainResult('drain', drainRate, {
        goal: drainGoal,
        details: {
          input: `${DRAIN_N} unseen plain-text mails (plainMessage) appended beforehand, while nothing ran (not timed), ${APPEND_BATCH} per MULTIAPPEND command`,
          messageBytes: Math.round(bestBare.bytes / DRAIN_N),
          services: cli.ALL_SERVICES.map((s) => s.name),
          oursMs: round3(one.ms),
          startMs: round3(one.startedMs),
          firstWebhookMs: round3(one.firstMs),
          halfWebhooksMs: round3(one.halfMs),
          ofGoal: round3(drainRate / DRAIN_GOAL),
          deliveriesWhenDone: one.deliveredAtDone,
          deliveries: one.tally,
          fetchSyncs: drained.syncs,
          jobs: drained.jobs,
          failedJobs: one.failed,
          servicesCpuMs: round3(mark.cpuUs / 1000),
          servicesCpuMsPerMail: round3(one.cpuMsPerMail),
          servicesCpuShareOfOneCore: round3(mark.cpuUs / 1000 / one.ms),
          servicesRssAtEndMiB: mib(mark.rssKiB),
          servicesPeakRssMiB: mib(drained.maxRssKiB),
          serviceLogLines: drained.logLines,
          serviceLastLog: drained.lastLog,
          cleanStop: drained.cleanStop,
          childExit: one.exits[0],
          bareMs: { before: round3(bareBefore.ms), after: round3(bareAfter.ms) },
          fillMs: round3(fill.ms),
          uidValidity: fill.uidValidity,
          pollingIntervalS: 1,
          rateLimit: 'off (WEBHOOK_RATE_LIMIT_MAX=0)',
        },
        note: `Every service in a fresh child process (runServices(ALL_SERVICES), as \`render-signal start\`; modules loaded beforehand), the receiver in the benchmark's process; timed from the start of runServices (config, Redis, IMAP login included, ${round3(one.startedMs)} ms) until the receiver had all ${DRAIN_N} distinct emails; first webhook after ${round3(one.firstMs)} ms, half of them after ${round3(one.halfMs)} ms. The services' process used ${round3(one.cpuMsPerMail)} ms of CPU per mail (${round3(mark.cpuUs / 1000 / one.ms)} of one core over the drain). ${round3(drainRate / DRAIN_GOAL)} of the ${DRAIN_GOAL} mails/s goal. The baseline only reads the sources (best of a run before and one after ours).`,
      }),
      drainResult('drain-per-stage', stagedRate, {
        goal: drainGoal,
        details: {
          processes: STAGES.map((name) => [name]),
          oursMs: round3(staged.ms),
          startMs: round3(staged.startedMs),
          firstWebhookMs: round3(staged.firstMs),
          halfWebhooksMs: round3(staged.halfMs),
          ofGoal: round3(stagedRate / DRAIN_GOAL),
          deliveries: staged.tally,
          failedJobs: staged.failed,
          cpuMsPerMail: round3(staged.cpuMsPerMail),
          cpuMsPerMailByProcess: Object.fromEntries(STAGES.map((name, i) => [name, round3(staged.marks[i].cpuUs / 1000 / DRAIN_N)])),
          coresUsed: round3(staged.cpuUs / 1000 / staged.ms),
          peakRssMiBByProcess: Object.fromEntries(STAGES.map((name, i) => [name, mib(staged.results[i].maxRssKiB)])),
          cleanStops: staged.results.map((r) => r.cleanStop),
        },
        note: `The same drain (${DRAIN_N} other mails, another Dovecot user) with one fresh process per stage (${STAGES.join(', ')}), as render.yaml deploys them, started together: ${round3(staged.cpuMsPerMail)} ms of CPU per mail over all of them (${round3(staged.cpuUs / 1000 / staged.ms)} cores), ${round3(staged.tally.duplicateDeliveries)} duplicate deliveries. ${round3(stagedRate / DRAIN_GOAL)} of the goal; ${round3(stagedRate / drainRate)}× the one-process drain.`,
      }),
      drainResult('drain-floor', floorRate, {
        details: {
          what: 'floor-child.mjs: the same backlog through imapflow, BullMQ (parse and dispatch queues, same concurrency), mailparser simpleParser and got, with none of the system\'s own work',
          floorMs: round3(floorMs),
          fetched: DRAIN_N,
          cpuMsPerMail: round3(floorResult.cpuUs / 1000 / DRAIN_N),
          peakRssMiB: mib(floorResult.maxRssKiB),
          deliveries: floorRecorder.deliveries(),
          oursToFloor: round3(drainRate / floorRate),
          goalToFloor: round3(DRAIN_GOAL / floorRate),
        },
        note: `The stack alone drains ${round3(floorRate)} mails/s with ${round3(floorResult.cpuUs / 1000 / DRAIN_N)} ms of CPU per mail; ours reaches ${round3(drainRate / floorRate)} of it. The ${DRAIN_GOAL} mails/s goal is ${round3(DRAIN_GOAL / floorRate)}× this floor.`,
      }),
      {
        name: `drain-duplicates.${DRAIN_N}`,
        unit: 'deliveries',
        value: one.tally.duplicateDeliveries,
        baseline: null,
        higherIsBetter: false,
        goal: { max: 1, text: '0' },
        details: { ...one.tally, settleMs: SETTLE_MS },
        note: `Deliveries beyond one per email, counted once the pipeline was at rest and again ${SETTLE_MS} ms later (more than the 1 s polling interval). Emails delivered more than once: ${one.tally.emailsDeliveredMoreThanOnce}; emails with more than one webhook-id: ${one.tally.emailsWithSeveralWebhookIds}; every delivery's signature checked with standardwebhooks (bad: ${one.tally.badSignatures}).`,
      },
      {
        name: `drain-peak-rss.${DRAIN_N}`,
        unit: 'MiB',
        value: mib(drained.maxRssKiB),
        baseline: mib(drained.readyKiB),
        baselineName: 'the same child with every module loaded, before runServices',
        higherIsBetter: false,
        goal: null,
        details: {
          statistic: "process.resourceUsage().maxRSS of the drain's child at the end (the kernel's peak)",
          readyMiB: mib(drained.readyKiB),
          whenDrainedMiB: mib(mark.rssKiB),
          peakMiB: mib(drained.maxRssKiB),
        },
        note: `The child of drain.${DRAIN_N}: ${mib(drained.readyKiB)} MiB with the modules loaded, ${mib(mark.rssKiB)} MiB when the last email had arrived, peak ${mib(drained.maxRssKiB)} MiB (compare peak-rss.backlog-${RSS_N}, same services, a smaller backlog).`,
      },
      {
        name: `peak-rss.backlog-${RSS_N}`,
        unit: 'MiB',
        value: mib(peakKiB),
        baseline: mib(idleRss),
        baselineName: 'the same child idle just before the backlog (median VmRSS over 2 s)',
        higherIsBetter: false,
        goal: { max: RSS_GOAL_MIB, text: `< ${RSS_GOAL_MIB} MiB` },
        details: {
          input: `${RSS_N} plain-text mails (plainMessage) appended in one MULTIAPPEND command while the child watched the mailbox`,
          messageBytes: Math.round(rssMails.reduce((sum, m) => sum + Buffer.byteLength(m), 0) / RSS_N),
          command: 'node packages/cli/dist/main.js start (every service, one process), LOG_LEVEL=warn, polling interval 1 s',
          statistic: 'VmHWM of the child at the end (its peak over its whole life), and VmRSS sampled every 10 ms during the backlog',
          idleMiB: mib(idleRss),
          idleHwmMiB: mib(idle.hwm),
          backlogSampledPeakMiB: mib(sampledPeak),
          endRssMiB: mib(after.rss),
          endHwmMiB: mib(after.hwm),
          samples,
          startToWarmUpWebhookMs: round3(warmUpMs),
          appendMs: round3(backlogMs.appendMs),
          appendedToLastWebhookMs: round3(backlogMs.lastEmailMs),
          backlogRate: round3(rate(RSS_N, backlogMs.lastEmailMs)),
          deliveries: rssTally,
          failedJobs: rssFailed,
          childExit: exitCode,
          childLogLines: child.lines.length,
          childStderrLines: child.stderr.length,
          uidValidity: rssFill.uidValidity,
        },
        note: `A fresh \`render-signal start\` (all five services, no node flags), ready once a warm-up mail there before the start had gone through (${round3(warmUpMs)} ms after the spawn), then idle for ${IDLE_MS} ms: ${mib(idleRss)} MiB (peak so far ${mib(idle.hwm)} MiB). The ${RSS_N} mails took ${round3(backlogMs.lastEmailMs)} ms from the APPEND to the last webhook; RSS sampled every 10 ms peaked at ${mib(sampledPeak)} MiB. Value: the child's VmHWM at the end. Exit after SIGTERM: ${exitCode}.`,
      },
    ];
  } finally {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
    await redis.quit().catch(() => {});
    await dovecot.stop();
    await redisServer.stop();
  }
}

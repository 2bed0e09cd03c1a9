import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUES, messageKey } from '@render-signal/contracts';
import { deleteKeys, plainMessage, spawnNodeProcess, startDovecot, testRedisUrl, uniquePrefix, type DovecotServer, type LogLine, type NodeProcess } from '@render-signal/testing';
import { Queue } from 'bullmq';
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';

// Real processes of the built entry point (`pnpm build` or `npx tsc -b` first), a real Dovecot and
// the run's private Redis. Nothing consumes the parse queue, so every parse job stays waiting and
// the queue itself is the record of what the fetchers enqueued.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = `${root}services/imap-fetcher/dist/main.js`;

type Line = LogLine;
type Proc = NodeProcess;

const procs: Proc[] = [];

function spawnFetcher(name: string, env: NodeJS.ProcessEnv): Proc {
  const proc = spawnNodeProcess(MAIN, [], env, name);
  procs.push(proc);
  return proc;
}

async function killAll(): Promise<void> {
  await Promise.all(
    procs.splice(0).map(async (p) => {
      if (p.exitCode() === undefined) p.child.kill('SIGKILL');
      await p.exited;
    }),
  );
}

/**
 * Polls a real condition (Redis state or collected log lines) until it holds. Fails at the deadline,
 * or at once if one of `alive` exits: a dead fetcher would otherwise look like a slow one.
 */
async function waitFor(condition: () => Promise<boolean> | boolean, what: string, timeoutMs: number, alive: Proc[] = []): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = alive.find((p) => p.exitCode() !== undefined);
    if (dead) throw new Error(`${dead.name} exited (${dead.exitCode()}) while waiting for ${what}; stderr: ${dead.stderr.join('\n')}`);
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const withCode = (lines: Line[], code: string) => lines.filter((l) => l.code === code);
const enqueuedSum = (lines: Line[]) => withCode(lines, 'fetch.synced').reduce((sum, l) => sum + (l.enqueued as number), 0);


describe('imap-fetcher processes on one mailbox (real processes, Dovecot, Redis)', () => {
  let dovecot: DovecotServer;
  let redis: Redis;
  const prefixes: string[] = [];

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first with \`pnpm build\` (or \`npx tsc -b\`)`);
    dovecot = await startDovecot({ users: { alice: 'alicepw', bob: 'bobpw' } });
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await killAll();
    await redis?.quit();
    await dovecot?.stop();
    for (const prefix of prefixes) await deleteKeys(testRedisUrl(), prefix);
  });

  /** One connection for the whole burst: much faster than a login per APPEND. Returns the UIDs. */
  async function appendMany(user: string, tag: string, from: number, count: number): Promise<{ uids: number[]; uidValidity: string }> {
    const client = new ImapFlow({
      host: dovecot.host,
      port: dovecot.port,
      secure: true,
      tls: { ca: dovecot.caPem, rejectUnauthorized: true },
      auth: { user, pass: dovecot.users[user]! },
      logger: false,
    });
    client.on('error', () => undefined);
    await client.connect();
    const uids: number[] = [];
    let uidValidity = '';
    try {
      for (let n = from; n < from + count; n++) {
        const result = await client.append('INBOX', plainMessage(tag, n));
        if (!result || result.uid === undefined || result.uidValidity === undefined) throw new Error('APPEND returned no UIDPLUS data');
        uids.push(result.uid);
        uidValidity = String(result.uidValidity);
      }
    } finally {
      await client.logout().catch(() => client.close());
    }
    return { uids, uidValidity };
  }

  function fetcherEnv(user: string, prefix: string, extra: Record<string, string>): NodeJS.ProcessEnv {
    return {
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: prefix,
      ...dovecot.mailboxEnv(user),
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      ...extra,
    };
  }

  async function parseJobIds(parse: Queue): Promise<string[]> {
    const jobs = await parse.getJobs(['waiting']);
    return jobs.map((j) => String(j.id)).sort();
  }

  const expectedIds = (uidValidity: string, uids: number[]) =>
    uids.map((uid) => messageKey({ mailbox: 'INBOX', uidValidity, uid })).sort();

  it('two processes on a mailbox of 1,000 messages enqueue each message exactly once, and a burst of 500 appended while they run', async () => {
    const prefix = uniquePrefix('fetch-procs');
    prefixes.push(prefix);
    const parse = new Queue(QUEUES.parse.name, { connection: redis, prefix });
    try {
      const first = await appendMany('alice', 'load', 0, 1_000);
      expect(new Set(first.uids).size).toBe(1_000);

      const env = fetcherEnv('alice', prefix, { EMAIL_POLLING_INTERVAL_SECONDS: '1' });
      const a = spawnFetcher('fetcher A', env);
      const b = spawnFetcher('fetcher B', env);
      const both = [a, b];
      const waiting = () => parse.getJobCountByTypes('waiting');

      await waitFor(async () => (await waiting()) >= 1_000 && enqueuedSum([...a.lines, ...b.lines]) >= 1_000, '1,000 parse jobs and fetch.synced lines', 30_000, both);
      expect(await waiting()).toBe(1_000);
      expect(enqueuedSum([...a.lines, ...b.lines])).toBe(1_000);

      // While both keep syncing (a tick every second, plus the watcher), a burst of 500 more.
      const burst = await appendMany('alice', 'burst', 1_000, 500);
      expect(burst.uidValidity).toBe(first.uidValidity);
      await waitFor(async () => (await waiting()) >= 1_500 && enqueuedSum([...a.lines, ...b.lines]) >= 1_500, '1,500 parse jobs and fetch.synced lines', 30_000, both);

      // One more scheduled tick after the burst was enqueued, so a late duplicate would have had its
      // chance; then a clean stop (a sync in flight finishes first) makes both logs final.
      const mark = [a.lines.length, b.lines.length];
      await waitFor(
        () => both.some((p, i) => p.lines.slice(mark[i]).some((l) => (l.code === 'fetch.synced' || l.code === 'fetch.lease_busy') && l.trigger === 'schedule')),
        'one more scheduled tick',
        15_000,
        both,
      );
      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
      expect(await a.exited).toBe(0);
      expect(await b.exited).toBe(0);

      const all = [...a.lines, ...b.lines];
      // Nothing lost, nothing doubled: exactly one job per appended message, with its deterministic id.
      expect(await parse.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed')).toEqual({
        waiting: 1_500, active: 0, delayed: 0, prioritized: 0, completed: 0, failed: 0,
      });
      expect(await parseJobIds(parse)).toEqual(expectedIds(first.uidValidity, [...first.uids, ...burst.uids]));
      // `enqueued` counts every hand-off, including one that hit an existing job id: the sum equals
      // the messages only if no two syncs ever handed off the same message (the lease at work).
      expect(enqueuedSum(all)).toBe(1_500);
      expect(withCode(all, 'fetch.synced').every((l) => l.tooLarge === 0)).toBe(true);
      // One watcher for the mailbox, no sync overtaken by another, no failure.
      expect(withCode(all, 'fetch.watching')).toHaveLength(1);
      expect(withCode(all, 'fetch.lease_lost')).toHaveLength(0);
      expect(withCode(all, 'fetch.failed')).toHaveLength(0);
      // Each sync that ran took the lease once, with a fresh fencing number.
      const fence = Number(await redis.get(`${prefix}:fence:fetch:INBOX`));
      expect(fence).toBe(withCode(all, 'fetch.synced').length);
      // Which process runs which sync, and whether a tick meets a sync in progress, is up to
      // timing here; the lease under concurrent syncs is asserted in sync-mailbox.int.test.ts.
    } finally {
      await killAll();
      await parse.close();
    }
  }, 90_000);

  it('when the watching process is SIGKILLed, the other takes the watch over within the lease TTL and enqueues new mail by push', async () => {
    const prefix = uniquePrefix('fetch-takeover');
    prefixes.push(prefix);
    const parse = new Queue(QUEUES.parse.name, { connection: redis, prefix });
    const fetchQueue = new Queue(QUEUES.fetch.name, { connection: redis, prefix });
    const TTL_S = 3;
    try {
      const before = await appendMany('bob', 'before', 0, 20);
      // Polling every hour: after the first tick (a scheduler with `every` runs one at once), only
      // the push path, the watcher, can enqueue new mail.
      const env = fetcherEnv('bob', prefix, {
        EMAIL_POLLING_INTERVAL_SECONDS: '3600',
        FETCH_LEASE_TTL_SECONDS: String(TTL_S),
        IMAP_TIMEOUT_SECONDS: '2',
      });
      const a = spawnFetcher('fetcher A', env);
      const b = spawnFetcher('fetcher B', env);
      const both = [a, b];
      const waiting = () => parse.getJobCountByTypes('waiting');

      // Settled: both schedulers upserted, the first tick done (the next one is an hour away), the 20
      // enqueued, and the watcher's own catch-up sync finished (it runs again after a busy lease), so
      // the holder is idle in IDLE when it is killed.
      await Promise.all(both.map((p) => p.waitForLine((l) => l.code === 'fetch.scheduled', 15_000, 'fetch.scheduled')));
      const watcherCaughtUp = (p: Proc) =>
        withCode(p.lines, 'fetch.watching').length > 0 && withCode(p.lines, 'fetch.synced').some((l) => l.trigger === 'push');
      await waitFor(
        async () =>
          (await waiting()) >= 20 &&
          enqueuedSum([...a.lines, ...b.lines]) >= 20 &&
          both.some(watcherCaughtUp) &&
          (await fetchQueue.getJobCountByTypes('waiting', 'active', 'prioritized')) === 0,
        'the initial sync, the first tick and a watcher',
        20_000,
        both,
      );
      expect(await waiting()).toBe(20);
      expect(enqueuedSum([...a.lines, ...b.lines])).toBe(20);
      expect(withCode([...a.lines, ...b.lines], 'fetch.watching')).toHaveLength(1);
      const [holder, survivor] = withCode(a.lines, 'fetch.watching').length === 1 ? [a, b] : [b, a];

      const survivorMark = survivor.lines.length;
      const killedAt = Date.now();
      holder.child.kill('SIGKILL');
      expect(await holder.exited).toBeNull();

      // Mail that arrives while nobody watches (the dead holder's lease has not expired yet) ...
      const whileOrphaned = await appendMany('bob', 'orphaned', 20, 5);
      const watching = await survivor.waitForLine((l) => l.code === 'fetch.watching', 4 * TTL_S * 1000, 'fetch.watching after the kill');
      const takeoverMs = Date.now() - killedAt;
      // The dead holder's lease expires at most TTL after its last renewal; the survivor looks every TTL/3.
      expect(takeoverMs).toBeLessThan(TTL_S * 1000 + (TTL_S * 1000) / 3 + 2_000);
      expect(watching.fence as number).toBeGreaterThan(1);
      // ... is caught up by the new watcher, and mail arriving after the takeover is pushed.
      await waitFor(async () => (await waiting()) >= 25, 'the orphaned mail to be enqueued', 10_000, [survivor]);
      const afterTakeover = await appendMany('bob', 'pushed', 25, 5);
      await waitFor(async () => (await waiting()) >= 30 && enqueuedSum(survivor.lines.slice(survivorMark)) >= 10, 'the pushed mail to be enqueued', 10_000, [survivor]);

      survivor.child.kill('SIGTERM');
      expect(await survivor.exited).toBe(0);

      const afterKill = survivor.lines.slice(survivorMark);
      expect(await parse.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed')).toEqual({
        waiting: 30, active: 0, delayed: 0, prioritized: 0, completed: 0, failed: 0,
      });
      expect(await parseJobIds(parse)).toEqual(expectedIds(before.uidValidity, [...before.uids, ...whileOrphaned.uids, ...afterTakeover.uids]));
      expect(enqueuedSum([...a.lines, ...b.lines])).toBe(30);
      // Everything after the kill came from the survivor's watcher: no scheduled tick ran at all.
      expect(withCode(afterKill, 'fetch.synced').every((l) => l.trigger === 'push')).toBe(true);
      expect(afterKill.filter((l) => l.trigger === 'schedule')).toEqual([]);
      expect(enqueuedSum(afterKill)).toBe(10);
      expect(withCode([...a.lines, ...b.lines], 'fetch.lease_lost')).toHaveLength(0);
    } finally {
      await killAll();
      await parse.close();
      await fetchQueue.close();
    }
  }, 40_000);
});

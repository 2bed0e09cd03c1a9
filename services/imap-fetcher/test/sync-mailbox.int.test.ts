import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUES } from '@render-signal/contracts';
import { createLogger } from '@render-signal/logger';
import { createProducer, type Producer } from '@render-signal/queue';
import { deleteKeys, loadFixture, startDovecot, startTcpProxy, testRedisUrl, uniquePrefix, type DovecotServer } from '@render-signal/testing';
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import { Writable } from 'node:stream';
import { Lease, cursorKey, imapConnector, leaseKeys, readCursor, syncMailbox, type FetcherDeps } from '../src/index.js';
import { needsOperator } from '../src/watcher.js';

const silent = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });

describe('syncMailbox against Dovecot', () => {
  let dovecot: DovecotServer;
  let redis: Redis;
  let prefix: string;
  let parse: Producer<typeof QUEUES.parse>;

  beforeAll(async () => {
    dovecot = await startDovecot({ users: { alice: 'alicepw', bob: 'bobpw', carol: 'carolpw', dave: 'davepw', erin: 'erinpw', frank: 'frankpw', gina: 'ginapw', hank: 'hankpw' } });
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis.quit();
    await dovecot.stop();
  });
  afterEach(async () => {
    await parse.queue.close();
    await deleteKeys(testRedisUrl(), prefix);
  });

  function deps(user: string, overrides: Partial<FetcherDeps> = {}): FetcherDeps {
    prefix = uniquePrefix('fetch');
    parse = createProducer(QUEUES.parse, redis, prefix);
    return {
      redis,
      prefix,
      log: silent,
      connect: imapConnector({
        host: dovecot.host, port: dovecot.port, secure: true, caFile: dovecot.caFile,
        user, password: dovecot.users[user]!, timeoutMs: 10_000,
      }),
      enqueueParse: (jobs) => parse.addBulk(jobs),
      maxMessageBytes: 10 * 1024 * 1024,
      rawTtlSeconds: 600,
      leaseTtlMs: 30_000,
      markSeen: false,
      syncTimeoutMs: 60_000,
      resyncWindowMs: 3 * 86_400_000,
      ...overrides,
    };
  }

  it('enqueues one parse job per new message, with a deterministic id and the raw bytes parked in Redis', async () => {
    const d = deps('alice');
    const first = await dovecot.append('alice', loadFixture('01-recadrage-dropbox-11h51.eml'));
    const second = await dovecot.append('alice', loadFixture('02-recadrage-date-3-9-2025.eml'));

    const result = await syncMailbox({ mailbox: 'INBOX', trigger: 'manual' }, d);

    const uv = String(first.uidValidity);
    expect(result).toEqual({ outcome: 'synced', uidValidity: uv, found: 2, enqueued: 2, tooLarge: 0, lastUid: second.uid });
    const jobs = await parse.queue.getJobs(['waiting']);
    expect(jobs.map((j) => j.id).sort()).toEqual([`INBOX.${uv}.${first.uid}`, `INBOX.${uv}.${second.uid}`].sort());
    const job = jobs.find((j) => j.id === `INBOX.${uv}.${first.uid}`)!;
    expect(job.data).toEqual({ ref: { mailbox: 'INBOX', uidValidity: uv, uid: first.uid }, rawKey: `${prefix}:raw:INBOX.${uv}.${first.uid}`, size: expect.any(Number) });
    expect(JSON.stringify(job.data)).not.toContain('Bonjour');
    expect((await redis.getBuffer(job.data.rawKey))?.equals(loadFixture('01-recadrage-dropbox-11h51.eml'))).toBe(true);
    expect(await redis.ttl(job.data.rawKey)).toBeGreaterThan(500);
    expect(await readCursor(redis, cursorKey(prefix, 'INBOX'))).toEqual({ uidValidity: uv, lastUid: second.uid });
  });

  it('marks a message \\Seen once its parse job exists, and leaves flags alone when told to', async () => {
    const flagsOf = async (uid: number) => {
      const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: true, tls: { ca: dovecot.caPem }, auth: { user: 'bob', pass: 'bobpw' }, logger: false });
      await client.connect();
      await client.mailboxOpen('INBOX', { readOnly: true });
      const msg = await client.fetchOne(String(uid), { flags: true }, { uid: true });
      await client.logout();
      return [...((msg && msg.flags) || [])];
    };
    const untouched = await dovecot.append('bob', loadFixture('03-recadrage-urgence.eml'));
    await syncMailbox({ mailbox: 'INBOX', trigger: 'manual' }, deps('bob'));
    expect(await flagsOf(untouched.uid)).not.toContain('\\Seen');

    // A failing hand-off leaves the message unread, so nothing looks processed that was not.
    const failing = await dovecot.append('bob', loadFixture('02-recadrage-date-3-9-2025.eml'));
    const broken = { ...deps('bob', { markSeen: true }), enqueueParse: () => Promise.reject(new Error('redis gone')) };
    await expect(syncMailbox({ mailbox: 'INBOX', trigger: 'manual' }, broken)).rejects.toThrow('redis gone');
    expect(await flagsOf(failing.uid)).not.toContain('\\Seen');

    await parse.queue.close();
    await syncMailbox({ mailbox: 'INBOX', trigger: 'manual' }, deps('bob', { markSeen: true }));
    expect(await parse.queue.getJob(`INBOX.${failing.uidValidity}.${failing.uid}`)).toBeDefined();
    expect(await flagsOf(failing.uid)).toContain('\\Seen');
  });

  it('picks up only what arrived since the cursor, and a replayed sync enqueues nothing twice', async () => {
    const d = deps('carol');
    await dovecot.append('carol', loadFixture('01-recadrage-dropbox-11h51.eml'));
    expect((await syncMailbox({ mailbox: 'INBOX', trigger: 'manual' }, d)).enqueued).toBe(1);
    expect((await syncMailbox({ mailbox: 'INBOX', trigger: 'schedule' }, d)).found).toBe(0);

    const late = await dovecot.append('carol', loadFixture('05-recadrage-dropbox-folders-scl-fo.eml'));
    const again = await syncMailbox({ mailbox: 'INBOX', trigger: 'schedule' }, d);
    expect(again).toMatchObject({ found: 1, enqueued: 1, lastUid: late.uid });

    // Losing the cursor (crash before it was written) re-reads the unseen messages: same job ids.
    await redis.del(cursorKey(prefix, 'INBOX'));
    expect((await syncMailbox({ mailbox: 'INBOX', trigger: 'schedule' }, d)).found).toBe(2);
    expect(await parse.queue.getJobCountByTypes('waiting')).toBe(2);
  });

  it('does not download a message above the size limit; its parse job carries no raw reference', async () => {
    const d = deps('dave', { maxMessageBytes: 1024 });
    const { uid } = await dovecot.append('dave', loadFixture('01-recadrage-dropbox-11h51.eml'));
    const result = await syncMailbox({ mailbox: 'INBOX', trigger: 'manual' }, d);
    expect(result).toMatchObject({ enqueued: 0, tooLarge: 1 });
    const [job] = await parse.queue.getJobs(['waiting']);
    expect(job?.data).toEqual({ ref: expect.objectContaining({ uid }), size: expect.any(Number) });
    expect(job?.data.size).toBeGreaterThan(1024);
    expect(await redis.keys(`${prefix}:raw:*`)).toEqual([]);
  });

  it('fails the sync with the server refusal on a wrong password, and moves no cursor', async () => {
    const d = deps('alice');
    const bad = imapConnector({ host: dovecot.host, port: dovecot.port, secure: true, caFile: dovecot.caFile, user: 'alice', password: 'wrong', timeoutMs: 10_000 });
    await expect(syncMailbox({ mailbox: 'INBOX', trigger: 'manual' }, { ...d, connect: bad })).rejects.toMatchObject({ authenticationFailed: true });
    expect(await redis.exists(cursorKey(prefix, 'INBOX'))).toBe(0);
  });

  it('after a UIDVALIDITY change re-reads the unseen messages and the recent ones, not older read mail', async () => {
    const d = deps('hank');
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
    const oldRead = await dovecot.append('hank', loadFixture('01-recadrage-dropbox-11h51.eml'), 'INBOX', ['\\Seen'], daysAgo(10));
    const recentRead = await dovecot.append('hank', loadFixture('02-recadrage-date-3-9-2025.eml'), 'INBOX', ['\\Seen'], daysAgo(1));
    const oldUnread = await dovecot.append('hank', loadFixture('03-recadrage-urgence.eml'), 'INBOX', [], daysAgo(30));
    // A cursor left by the mailbox's previous incarnation.
    await redis.hset(cursorKey(prefix, 'INBOX'), { uidValidity: '1', lastUid: '99' });

    const result = await syncMailbox({ mailbox: 'INBOX', trigger: 'schedule' }, d);

    const uv = String(oldRead.uidValidity);
    expect(result).toMatchObject({ outcome: 'synced', uidValidity: uv, enqueued: 2 });
    const ids = (await parse.queue.getJobs(['waiting'])).map((j) => j.id).sort();
    expect(ids).toEqual([`INBOX.${uv}.${recentRead.uid}`, `INBOX.${uv}.${oldUnread.uid}`].sort());
  });

  it('names a mailbox that does not exist, and frees the lease', async () => {
    const d = deps('alice');
    await expect(syncMailbox({ mailbox: 'Orders', trigger: 'manual' }, d)).rejects.toMatchObject({
      code: 'fetch.mailbox_missing',
      message: expect.stringContaining('IMAP_MAILBOX'),
    });
    expect(await redis.exists(leaseKeys(prefix, 'Orders').lease)).toBe(0);
  });

  it('fails a sync whose mailbox, synced before, is gone (being created again) as an ordinary failure', async () => {
    const d = deps('alice');
    const cursor = { uidValidity: '1', lastUid: 3 };
    await redis.hset(cursorKey(prefix, 'Gone'), cursor);
    const err: unknown = await syncMailbox({ mailbox: 'Gone', trigger: 'schedule' }, d).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'fetch.mailbox_gone', message: expect.stringContaining('synced before') });
    // Not a configuration error: the circuit does not open for minutes, the next tick tries again.
    expect(needsOperator(err)).toBe(false);
    expect(await readCursor(redis, cursorKey(prefix, 'Gone'))).toEqual(cursor);
    expect(await redis.exists(leaseKeys(prefix, 'Gone').lease)).toBe(0);
  });

  it('lets one sync at a time hold the mailbox: overlapping syncs enqueue each message once', async () => {
    let enqueues = 0;
    const d = deps('erin');
    const counting = { ...d, enqueueParse: async (jobs: Parameters<FetcherDeps['enqueueParse']>[0]) => ((enqueues += jobs.length), parse.addBulk(jobs)) };
    const appended = [];
    for (let i = 0; i < 40; i += 1) appended.push(await dovecot.append('erin', loadFixture('01-recadrage-dropbox-11h51.eml')));

    // Rounds of two concurrent syncs while more mail arrives: one holds the lease, the other steps aside.
    const outcomes: string[] = [];
    for (let round = 0; round < 5; round += 1) {
      const [a, b] = await Promise.all([
        syncMailbox({ mailbox: 'INBOX', trigger: 'schedule' }, counting),
        syncMailbox({ mailbox: 'INBOX', trigger: 'manual' }, counting),
        dovecot.append('erin', loadFixture('02-recadrage-date-3-9-2025.eml')).then((r) => appended.push(r)),
      ]);
      outcomes.push(a.outcome, b.outcome);
    }
    await syncMailbox({ mailbox: 'INBOX', trigger: 'schedule' }, counting);

    expect(outcomes).toContain('lease_held');
    expect(enqueues).toBe(appended.length);
    expect(await parse.queue.getJobCountByTypes('waiting')).toBe(appended.length);
    expect(await redis.exists(leaseKeys(prefix, 'INBOX').lease)).toBe(0);
  }, 30_000);

  it('refuses the cursor writes of a holder whose lease was taken over, and stops its sync', async () => {
    const d = deps('frank');
    await dovecot.append('frank', loadFixture('01-recadrage-dropbox-11h51.eml'));
    const keys = leaseKeys(prefix, 'INBOX');
    let stale: Lease | undefined;
    // The first enqueue finds the lease stolen: as if this process had been paused past the TTL.
    const paused: FetcherDeps = {
      ...d,
      enqueueParse: async (jobs) => {
        await redis.del(keys.lease);
        stale = await Lease.acquire(redis, keys, 30_000);
        return parse.addBulk(jobs);
      },
    };
    const result = await syncMailbox({ mailbox: 'INBOX', trigger: 'schedule' }, paused);

    expect(result.outcome).toBe('lease_lost');
    expect(await readCursor(redis, cursorKey(prefix, 'INBOX'))).toBeUndefined();
    // The sync's own release left the new holder's lease alone.
    expect(await redis.get(keys.lease)).toBe(stale?.token);
    expect(stale?.fence).toBeGreaterThan(1);
    await stale?.release();
  });

  it('renews the lease while a sync outlives its TTL', async () => {
    const d = deps('alice');
    const keys = leaseKeys(prefix, 'INBOX');
    let renewedWhileWorking = false;
    const slow: FetcherDeps = {
      ...d,
      leaseTtlMs: 150,
      connect: async () => {
        const token = await redis.get(keys.lease);
        // Wait on the lease's own renewal (its TTL jumps back up), not on a clock.
        while ((await redis.pttl(keys.lease)) > 100) await redis.ping();
        while ((await redis.pttl(keys.lease)) <= 100) await redis.ping();
        renewedWhileWorking = (await redis.get(keys.lease)) === token;
        return d.connect();
      },
    };
    const result = await syncMailbox({ mailbox: 'INBOX', trigger: 'schedule' }, slow);
    expect(renewedWhileWorking).toBe(true);
    expect(result.outcome).toBe('synced');
  });

  it('destroys a sync whose server goes silent, frees the lease, and loses nothing', async () => {
    // The proxy stands for a link that hangs without closing; the command timeouts are set far
    // beyond the watchdog, so only the watchdog can end the sync.
    const proxy = await startTcpProxy({ host: dovecot.host, port: dovecot.port });
    const d = deps('gina', {
      syncTimeoutMs: 1_500,
      connect: imapConnector({ host: proxy.host, port: proxy.port, secure: true, caFile: dovecot.caFile, user: 'gina', password: 'ginapw', timeoutMs: 60_000 }),
    });
    const appended = [];
    for (let i = 0; i < 3; i += 1) appended.push(await dovecot.append('gina', loadFixture('01-recadrage-dropbox-11h51.eml')));
    const uv = String(appended[0]!.uidValidity);
    try {
      // Stalled in the middle: the first message is handed on, then the link goes silent.
      // One message per batch, so the next batch's FETCH meets the silent link.
      const midway = { ...d, batchSize: 1, enqueueParse: async (jobs: Parameters<FetcherDeps['enqueueParse']>[0]) => (proxy.stall(), parse.addBulk(jobs)) };
      await expect(syncMailbox({ mailbox: 'INBOX', trigger: 'schedule' }, midway)).rejects.toMatchObject({ code: 'fetch.sync_timeout' });
      expect(await redis.exists(leaseKeys(prefix, 'INBOX').lease)).toBe(0);
      expect(await readCursor(redis, cursorKey(prefix, 'INBOX'))).toEqual({ uidValidity: uv, lastUid: appended[0]!.uid });

      // Stalled before the greeting: a login that never completes is cut by the same watchdog.
      await expect(syncMailbox({ mailbox: 'INBOX', trigger: 'schedule' }, d)).rejects.toMatchObject({ code: 'fetch.sync_timeout' });

      proxy.resume();
      const result = await syncMailbox({ mailbox: 'INBOX', trigger: 'schedule' }, d);
      expect(result).toMatchObject({ outcome: 'synced', enqueued: 2, lastUid: appended[2]!.uid });
      const ids = (await parse.queue.getJobs(['waiting'])).map((j) => j.id).sort();
      expect(ids).toEqual(appended.map((a) => `INBOX.${uv}.${a.uid}`).sort());
    } finally {
      await proxy.close();
    }
  });
});

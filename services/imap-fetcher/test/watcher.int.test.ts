import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUES } from '@render-signal/contracts';
import { createLogger } from '@render-signal/logger';
import { createProducer, type Producer } from '@render-signal/queue';
import { deleteKeys, loadFixture, startDovecot, startTcpProxy, testRedisUrl, uniquePrefix, type DovecotServer } from '@render-signal/testing';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { MailboxWatcher, ReconnectBackoff, imapConnector, leaseKeys, syncMailbox, type FetcherDeps } from '../src/index.js';

const silent = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });

describe('MailboxWatcher (IDLE push) against Dovecot', () => {
  let dovecot: DovecotServer;
  let redis: Redis;
  let prefix: string;
  let parse: Producer<typeof QUEUES.parse>;
  let events: QueueEvents;
  const watchers: MailboxWatcher[] = [];

  beforeAll(async () => {
    dovecot = await startDovecot({ users: { alice: 'alicepw', bob: 'bobpw', carol: 'carolpw', dave: 'davepw' } });
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis.quit();
    await dovecot.stop();
  });
  afterEach(async () => {
    await Promise.all(watchers.splice(0).map((w) => w.stop()));
    await events.close();
    await parse.queue.close();
    await deleteKeys(testRedisUrl(), prefix);
  });

  /** `watchVia`: the IDLE connection goes there (a proxy) with this timeout; syncs go to Dovecot. */
  async function watcherFor(user: string, watchVia?: { host: string; port: number; timeoutMs: number }): Promise<MailboxWatcher> {
    prefix ??= uniquePrefix('watch');
    const imap = { host: dovecot.host, port: dovecot.port, secure: true, caFile: dovecot.caFile, user, password: dovecot.users[user]!, mailbox: 'INBOX', timeoutMs: 5_000 };
    const deps: FetcherDeps = {
      redis,
      prefix,
      log: silent,
      connect: imapConnector(imap),
      enqueueParse: (job) => parse.add(job),
      maxMessageBytes: 10_000_000,
      rawTtlSeconds: 600,
      leaseTtlMs: 1_500,
      markSeen: true,
      syncTimeoutMs: 30_000,
      resyncWindowMs: 3 * 86_400_000,
    };
    const watcher = new MailboxWatcher({
      redis,
      log: silent,
      mailbox: 'INBOX',
      connect: imapConnector({ ...imap, ...watchVia }, { restartMs: 60_000 }),
      sync: (trigger) => syncMailbox({ mailbox: 'INBOX', trigger }, deps),
      watchKeys: leaseKeys(`${prefix}:watch`, 'INBOX'),
      syncLeaseKey: leaseKeys(prefix, 'INBOX').lease,
      leaseTtlMs: 1_500,
      backoff: new ReconnectBackoff({ initialMs: 50, maxMs: 500 }),
    });
    watchers.push(watcher);
    watcher.start();
    return watcher;
  }

  async function setUp(label: string) {
    prefix = uniquePrefix(label);
    parse = createProducer(QUEUES.parse, redis, prefix);
    events = new QueueEvents(QUEUES.parse.name, { connection: redis, prefix });
    await events.waitUntilReady();
  }

  /** Resolves with the id of the next parse job added, however it got there. */
  const nextParseJob = () => new Promise<string>((resolve) => events.once('added', ({ jobId }) => resolve(jobId)));

  it('enqueues new mail as the server reports it, with no polling at all', async () => {
    await setUp('push');
    const first = nextParseJob();
    await dovecot.append('alice', loadFixture('01-recadrage-dropbox-11h51.eml'));
    await watcherFor('alice');
    // Mail that arrived before the watcher connected is caught up on connection.
    const caughtUp = await first;

    const pushed = nextParseJob();
    const appended = await dovecot.append('alice', loadFixture('02-recadrage-date-3-9-2025.eml'));
    expect(await pushed).toBe(`INBOX.${appended.uidValidity}.${appended.uid}`);
    expect(caughtUp).not.toBe(await pushed);
  });

  it('rebuilds the connection after the server goes away, and catches up', async () => {
    await setUp('restart');
    await watcherFor('bob');
    const before = nextParseJob();
    await dovecot.append('bob', loadFixture('01-recadrage-dropbox-11h51.eml'));
    await before;

    await dovecot.restart();
    const after = nextParseJob();
    const appended = await dovecot.append('bob', loadFixture('03-recadrage-urgence.eml'));
    expect(await after).toBe(`INBOX.${appended.uidValidity}.${appended.uid}`);
  });

  it('watches from one instance only; another takes over when it stops', async () => {
    await setUp('takeover');
    const keys = leaseKeys(`${prefix}:watch`, 'INBOX');
    const first = await watcherFor('carol');
    const second = await watcherFor('carol');
    const warmUp = nextParseJob();
    await dovecot.append('carol', loadFixture('01-recadrage-dropbox-11h51.eml'));
    await warmUp;
    expect([first.watching, second.watching].sort()).toEqual([false, true]);
    const [holder, standby] = first.watching ? [first, second] : [second, first];

    await holder.stop();
    watchers.splice(watchers.indexOf(holder), 1);
    // Nothing polls in this test: only the standby taking over the watch can enqueue this mail.
    const pushed = nextParseJob();
    const appended = await dovecot.append('carol', loadFixture('05-recadrage-dropbox-folders-scl-fo.eml'));
    expect(await pushed).toBe(`INBOX.${appended.uidValidity}.${appended.uid}`);
    expect(standby.watching).toBe(true);
    expect(await redis.get(keys.lease)).not.toBeNull();
  });

  it('rebuilds an IDLE connection that goes silent without closing, and catches up', async () => {
    await setUp('stall');
    const proxy = await startTcpProxy({ host: dovecot.host, port: dovecot.port });
    try {
      await watcherFor('dave', { host: proxy.host, port: proxy.port, timeoutMs: 1_000 });
      const before = nextParseJob();
      await dovecot.append('dave', loadFixture('01-recadrage-dropbox-11h51.eml'));
      await before;
      const connections = proxy.accepted;

      // The open IDLE connection goes silent for good; new connections pass again.
      proxy.stall();
      proxy.resume();
      const after = nextParseJob();
      const appended = await dovecot.append('dave', loadFixture('03-recadrage-urgence.eml'));
      // Only a rebuilt connection can report (or catch up with) this mail: nothing polls here.
      expect(await after).toBe(`INBOX.${appended.uidValidity}.${appended.uid}`);
      expect(proxy.accepted).toBeGreaterThan(connections);
    } finally {
      await proxy.close();
    }
  }, 20_000);
});

import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUES } from '@render-signal/contracts';
import { createLogger } from '@render-signal/logger';
import { createProducer, type Producer } from '@render-signal/queue';
import { deleteKeys, loadFixture, startDovecot, startTcpProxy, testRedisUrl, uniquePrefix, type DovecotServer } from '@render-signal/testing';
import { QueueEvents } from 'bullmq';
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import { MailboxWatcher, ReconnectBackoff, imapConnector, leaseKeys, syncMailbox, type FetcherDeps } from '../src/index.js';

const silent = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });

/** A logger that keeps its lines; `next` resolves with the next line (already written or to come) that matches. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const waiting = new Set<() => void>();
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
      for (const wake of [...waiting]) wake();
    },
  });
  const log = createLogger({ service: 'test', destination });
  const next = async (match: (line: Record<string, unknown>) => boolean, from = 0): Promise<Record<string, unknown>> => {
    for (;;) {
      const found = lines.slice(from).find(match);
      if (found) return found;
      await new Promise<void>((resolve) => {
        const wake = () => (waiting.delete(wake), resolve());
        waiting.add(wake);
      });
    }
  };
  return { log, lines, next };
}

describe('MailboxWatcher (IDLE push) against Dovecot', () => {
  let dovecot: DovecotServer;
  let redis: Redis;
  let prefix: string;
  let parse: Producer<typeof QUEUES.parse>;
  let events: QueueEvents;
  const watchers: MailboxWatcher[] = [];

  beforeAll(async () => {
    dovecot = await startDovecot({ users: { alice: 'alicepw', bob: 'bobpw', carol: 'carolpw', dave: 'davepw', erin: 'erinpw', frank: 'frankpw' } });
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

  function imapOf(user: string) {
    return { host: dovecot.host, port: dovecot.port, secure: true, caFile: dovecot.caFile, user, password: dovecot.users[user]!, timeoutMs: 5_000 };
  }

  function fetcherDeps(user: string): FetcherDeps {
    return {
      redis,
      prefix,
      log: silent,
      connect: imapConnector(imapOf(user)),
      enqueueParse: (jobs) => parse.addBulk(jobs),
      maxMessageBytes: 10_000_000,
      rawTtlSeconds: 600,
      leaseTtlMs: 1_500,
      markSeen: true,
      syncTimeoutMs: 30_000,
      resyncWindowMs: 3 * 86_400_000,
    };
  }

  /** `watchVia`: the IDLE connection goes there (a proxy) with this timeout; syncs go to Dovecot. */
  async function watcherFor(
    user: string,
    watchVia?: { host: string; port: number; timeoutMs: number },
    { mailbox = 'INBOX', log = silent }: { mailbox?: string; log?: typeof silent } = {},
  ): Promise<MailboxWatcher> {
    prefix ??= uniquePrefix('watch');
    const deps = fetcherDeps(user);
    const watcher = new MailboxWatcher({
      redis,
      log,
      mailbox,
      connect: imapConnector({ ...imapOf(user), ...watchVia }, { restartMs: 60_000 }),
      sync: (trigger) => syncMailbox({ mailbox, trigger }, deps),
      watchKeys: leaseKeys(`${prefix}:watch`, mailbox),
      syncLeaseKey: leaseKeys(prefix, mailbox).lease,
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

  /** What the scheduled tick does: a sync, whose result the service hands to the watcher. */
  async function tick(watcher: MailboxWatcher, user: string, mailbox: string): Promise<void> {
    watcher.noteSynced(await syncMailbox({ mailbox, trigger: 'schedule' }, fetcherDeps(user)));
  }

  /** Deletes the mailbox and creates it again with `raw` in it, over one connection, at once. */
  async function recreateMailbox(user: string, mailbox: string, raw: Buffer): Promise<{ uid: number; uidValidity: bigint }> {
    const client = new ImapFlow({ ...imapOf(user), tls: { ca: dovecot.caPem }, auth: { user, pass: dovecot.users[user]! }, logger: false });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.mailboxDelete(mailbox);
      await client.mailboxCreate(mailbox);
      const appended = await client.append(mailbox, raw);
      if (!appended || appended.uid === undefined || appended.uidValidity === undefined) throw new Error('APPEND returned no UIDPLUS data');
      return { uid: appended.uid, uidValidity: appended.uidValidity };
    } finally {
      await client.logout().catch(() => client.close());
    }
  }

  it('re-opens a mailbox deleted and created again under its IDLE connection, once a sync sees the new UIDVALIDITY', async () => {
    await setUp('recreated');
    const { log, lines, next } = capturingLogger();
    await dovecot.append('erin', loadFixture('01-recadrage-dropbox-11h51.eml'), 'Orders');
    const caughtUp = nextParseJob();
    const watcher = await watcherFor('erin', undefined, { mailbox: 'Orders', log });
    await caughtUp;
    await next((l) => l.code === 'fetch.watching');
    const watched = lines.length;

    // Created again at once: the IDLE connection keeps the old mailbox selected and hears nothing
    // of the new one (or the server drops it, which the watcher survives anyway).
    const recopied = nextParseJob();
    const copy = await recreateMailbox('erin', 'Orders', loadFixture('01-recadrage-dropbox-11h51.eml'));
    await tick(watcher, 'erin', 'Orders');
    expect(await recopied).toBe(`Orders.${copy.uidValidity}.${copy.uid}`);
    await next((l) => l.code === 'fetch.watching', watched);

    // Nothing polls from here: only an IDLE connection on the new mailbox can report this mail.
    const pushed = nextParseJob();
    const appended = await dovecot.append('erin', loadFixture('02-recadrage-date-3-9-2025.eml'), 'Orders');
    expect(await pushed).toBe(`Orders.${appended.uidValidity}.${appended.uid}`);
  }, 20_000);

  it('waits minutes after a missing mailbox, but watches as soon as a sync finds it', async () => {
    await setUp('missing');
    const { log, next } = capturingLogger();
    const watcher = await watcherFor('frank', undefined, { mailbox: 'Orders', log });
    expect(await next((l) => l.code === 'fetch.watch_failed')).toMatchObject({ retryInMs: 300_000 });

    const first = nextParseJob();
    await dovecot.append('frank', loadFixture('01-recadrage-dropbox-11h51.eml'), 'Orders');
    await tick(watcher, 'frank', 'Orders');
    await first;
    await next((l) => l.code === 'fetch.watching');

    const pushed = nextParseJob();
    const appended = await dovecot.append('frank', loadFixture('02-recadrage-date-3-9-2025.eml'), 'Orders');
    expect(await pushed).toBe(`Orders.${appended.uidValidity}.${appended.uid}`);
  }, 20_000);

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

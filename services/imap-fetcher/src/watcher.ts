import type { FetchJob } from '@render-signal/contracts';
import type { Logger } from '@render-signal/logger';
import type { ImapFlow } from 'imapflow';
import type { Redis } from 'ioredis';
import type { ImapConnect } from './imap-client.js';
import { Lease, type LeaseKeys } from './lease.js';
import type { SyncResult } from './processor.js';
import { ReconnectBackoff } from './reconnect-backoff.js';

export const AUTH_FAILURE_RETRY_MS = 5 * 60_000;

export function isAuthenticationFailure(err: unknown): boolean {
  return (err as { authenticationFailed?: unknown } | undefined)?.authenticationFailed === true;
}

/** A refusal that retrying within seconds cannot fix: a refused login, a mailbox that is not there. */
export function needsOperator(err: unknown): boolean {
  const e = err as { mailboxMissing?: unknown; code?: unknown } | undefined;
  return isAuthenticationFailure(err) || e?.mailboxMissing === true || e?.code === 'fetch.mailbox_missing';
}

export interface WatcherDeps {
  redis: Redis;
  log: Logger;
  mailbox: string;
  /** Opens a logged-in connection that enters IDLE by itself after each command. */
  connect: ImapConnect;
  sync: (trigger: FetchJob['trigger']) => Promise<SyncResult>;
  /** Key of the watch lease: one instance holds the IDLE connection. */
  watchKeys: LeaseKeys;
  /** Key of the sync lease, to wait for a sync another instance is running. */
  syncLeaseKey: string;
  leaseTtlMs: number;
  backoff?: ReconnectBackoff;
  /** Told when this instance starts and stops holding the IDLE connection (metrics). */
  onWatching?: (watching: boolean) => void;
  /** Told each time a failed or closed IDLE connection is to be rebuilt (metrics). */
  onReconnect?: () => void;
}

/**
 * Keeps one IDLE connection on the mailbox (on one instance: the holder of the watch lease) and
 * syncs when the server reports new mail. Syncs never overlap: events that arrive during a sync
 * schedule exactly one more. A closed connection is rebuilt with capped exponential backoff, and so
 * is one whose mailbox was deleted and created again (seen by any sync, see noteSynced); the
 * scheduled tick remains the safety sweep for whatever this misses.
 */
export class MailboxWatcher {
  private stopped = false;
  private client: ImapFlow | undefined;
  /** UIDVALIDITY of the mailbox the IDLE connection has open. */
  private watchedUidValidity: string | undefined;
  /** Set when that mailbox turned out to be recreated: the connection is being rebuilt. */
  private recreated = false;
  /** Ends the minutes-long wait after a missing mailbox or a refused login. */
  private retryNow: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private readonly wakers = new Set<() => void>();
  private readonly backoff: ReconnectBackoff;

  constructor(private readonly deps: WatcherDeps) {
    this.backoff = deps.backoff ?? new ReconnectBackoff({ initialMs: 250, maxMs: 5_000 });
  }

  /** True while this instance holds the watch lease with an open connection. */
  get watching(): boolean {
    return this.client !== undefined;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.wakers) wake();
    this.client?.close();
    await this.loop;
    await this.syncing;
  }

  /**
   * Told of every sync's result, the scheduled ones included. A completed sync proves the login
   * works and the mailbox is there, so a watcher waiting minutes after a refusal tries again now. A
   * sync that found another UIDVALIDITY than the IDLE connection's means the mailbox was deleted
   * and created again under it: that connection still has the old one selected and hears nothing
   * of the new one (Dovecot answers one untagged NO, then stays silent), so it is rebuilt.
   */
  noteSynced(result: SyncResult): void {
    if (this.stopped || result.outcome !== 'synced' || result.uidValidity === undefined) return;
    this.retryNow?.();
    if (this.client && this.watchedUidValidity !== undefined && this.watchedUidValidity !== result.uidValidity) {
      this.recreated = true;
      this.client.close();
    }
  }

  /** Coalesces: at most one sync runs, and at most one more is queued behind it. */
  requestSync(trigger: FetchJob['trigger']): void {
    if (this.stopped) return;
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = this.syncUntilQuiet(trigger).finally(() => {
      this.syncing = undefined;
    });
  }

  private async syncUntilQuiet(trigger: FetchJob['trigger']): Promise<void> {
    do {
      this.syncAgain = false;
      try {
        const result = await this.deps.sync(trigger);
        this.noteSynced(result);
        // Another instance's sync may have searched before this mail arrived: go again after it.
        if (result.outcome === 'lease_held' && (await this.waitForSyncLease())) this.syncAgain = true;
      } catch (err) {
        this.deps.log.error({ code: 'fetch.failed', mailbox: this.deps.mailbox, trigger, err });
        return;
      }
    } while (this.syncAgain && !this.stopped);
  }

  /** True once the other sync released its lease (bounded by the lease TTL). */
  private async waitForSyncLease(): Promise<boolean> {
    const deadline = Date.now() + this.deps.leaseTtlMs;
    while (!this.stopped && Date.now() < deadline) {
      if ((await this.deps.redis.exists(this.deps.syncLeaseKey)) === 0) return true;
      await this.pause(50);
    }
    return false;
  }

  private async run(): Promise<void> {
    const { log, mailbox } = this.deps;
    while (!this.stopped) {
      const lease = await Lease.acquire(this.deps.redis, this.deps.watchKeys, this.deps.leaseTtlMs).catch(() => undefined);
      if (!lease) {
        // Another instance watches (or Redis is away): look again within a third of the TTL.
        await this.pause(Math.max(50, Math.floor(this.deps.leaseTtlMs / 3)));
        continue;
      }
      try {
        await this.watch(lease);
        this.backoff.reset();
      } catch (err) {
        // Retrying a refused login (or a missing mailbox) within seconds only hammers the server,
        // and may lock the account: wait minutes, the scheduled tick keeps trying at its own pace.
        // A sync that succeeds meanwhile (the mailbox was being created again) ends that wait.
        const refused = needsOperator(err);
        const retryInMs = refused ? AUTH_FAILURE_RETRY_MS : this.backoff.next();
        log.warn({ code: 'fetch.watch_failed', mailbox, err, retryInMs });
        this.deps.onReconnect?.();
        await this.pause(retryInMs, refused);
      } finally {
        await lease.release().catch(() => {});
      }
    }
  }

  /** Resolves when the connection closes, the lease is lost or the watcher stops. */
  private async watch(lease: Lease): Promise<void> {
    const client = await this.deps.connect();
    this.client = client;
    this.recreated = false;
    this.deps.onWatching?.(true);
    try {
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.on('exists', () => this.requestSync('push'));
      const box = await client.mailboxOpen(this.deps.mailbox, { readOnly: true });
      this.watchedUidValidity = String(box.uidValidity);
      this.deps.log.info({ code: 'fetch.watching', mailbox: this.deps.mailbox, fence: lease.fence });
      // Catch up with whatever arrived while nobody was watching.
      this.requestSync('push');
      while (!this.stopped && !lease.lost && client.usable) {
        await Promise.race([closed, this.pause(Math.max(50, Math.floor(this.deps.leaseTtlMs / 3)))]);
      }
      if (!this.stopped && this.recreated) throw new Error('the mailbox was deleted and created again (new UIDVALIDITY): watching the new one');
      if (!this.stopped && !client.usable) throw new Error('IMAP connection closed');
    } finally {
      this.client = undefined;
      this.watchedUidValidity = undefined;
      this.deps.onWatching?.(false);
      client.close();
    }
  }

  /** Waits, unless stop() is called first (or, with `untilSynced`, a sync completes first). */
  private pause(ms: number, untilSynced = false): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        if (this.retryNow === done) this.retryNow = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
      if (untilSynced) this.retryNow = done;
    });
  }
}

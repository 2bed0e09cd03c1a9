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
 * schedule exactly one more. A closed connection is rebuilt with capped exponential backoff; the
 * scheduled tick remains the safety sweep for whatever this misses.
 */
export class MailboxWatcher {
  private stopped = false;
  private client: ImapFlow | undefined;
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
        const retryInMs = needsOperator(err) ? AUTH_FAILURE_RETRY_MS : this.backoff.next();
        log.warn({ code: 'fetch.watch_failed', mailbox, err, retryInMs });
        this.deps.onReconnect?.();
        await this.pause(retryInMs);
      } finally {
        await lease.release().catch(() => {});
      }
    }
  }

  /** Resolves when the connection closes, the lease is lost or the watcher stops. */
  private async watch(lease: Lease): Promise<void> {
    const client = await this.deps.connect();
    this.client = client;
    this.deps.onWatching?.(true);
    try {
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.on('exists', () => this.requestSync('push'));
      await client.mailboxOpen(this.deps.mailbox, { readOnly: true });
      this.deps.log.info({ code: 'fetch.watching', mailbox: this.deps.mailbox, fence: lease.fence });
      // Catch up with whatever arrived while nobody was watching.
      this.requestSync('push');
      while (!this.stopped && !lease.lost && client.usable) {
        await Promise.race([closed, this.pause(Math.max(50, Math.floor(this.deps.leaseTtlMs / 3)))]);
      }
      if (!this.stopped && !client.usable) throw new Error('IMAP connection closed');
    } finally {
      this.client = undefined;
      this.deps.onWatching?.(false);
      client.close();
    }
  }

  /** Waits, unless stop() is called first. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }
}

import type { FetchJob, MessageRef, ParseJob } from '@render-signal/contracts';
import { messageKey } from '@render-signal/contracts';
import type { Logger } from '@render-signal/logger';
import { RetryableError } from '@render-signal/queue';
import type { ImapFlow } from 'imapflow';
import type { Redis } from 'ioredis';
import { advanceCursor, cursorKey, readCursor } from './cursor.js';
import type { ImapConnect } from './imap-client.js';
import { LARGE_MESSAGE_BYTES, parkLarge } from './large-message.js';
import { Lease, leaseKeys } from './lease.js';

export interface FetcherDeps {
  redis: Redis;
  prefix: string;
  log: Logger;
  /** Opens and logs in a fresh IMAP connection; the processor always closes it. */
  connect: ImapConnect;
  /** Adds parse jobs, many in one write. */
  enqueueParse: (jobs: readonly ParseJob[]) => Promise<unknown>;
  maxMessageBytes: number;
  rawTtlSeconds: number;
  /** Longer than the longest IMAP timeout; renewed every third of it while the sync runs. */
  leaseTtlMs: number;
  /** Set \Seen on a message once its parse job exists (never before: a failure leaves it unread). */
  markSeen: boolean;
  /**
   * Watchdog of a whole sync: past it the connection is destroyed and the sync fails (and frees
   * the lease), whatever the server does. Per-command timeouts do not catch a server that answers
   * slowly but steadily, nor a login stuck in a half-open connection.
   */
  syncTimeoutMs: number;
  /** After a UIDVALIDITY change, messages that arrived this recently are re-read even if seen. */
  resyncWindowMs: number;
  /** Told when this instance starts and stops holding the mailbox lease (metrics). */
  onLease?: (held: boolean) => void;
  batchSize?: number;
}

export interface SyncResult {
  /**
   * `lease_held`: another instance is syncing this mailbox; `lease_lost`: a newer holder took over;
   * `circuit_open`: skipped, the server failed too often lately (see CircuitBreaker); `inactive`:
   * skipped, outside the polling schedule or paused from the dashboard.
   */
  outcome: 'synced' | 'lease_held' | 'lease_lost' | 'circuit_open' | 'inactive';
  uidValidity?: string;
  found: number;
  enqueued: number;
  tooLarge: number;
  lastUid?: number;
}

/**
 * One mailbox sync, under the mailbox lease: finds messages above the cursor (or, on a first run
 * or after a UIDVALIDITY change, the unseen ones), parks each raw message in Redis with a TTL and
 * enqueues one parse job with a deterministic id, then advances the cursor (a fenced write). The
 * cursor moves only after the job exists, so a crash repeats work (deduplicated by the job id)
 * instead of losing it. Bodies are fetched with BODY.PEEK; \Seen is set only after the hand-off.
 */
export async function syncMailbox(data: FetchJob, deps: FetcherDeps): Promise<SyncResult> {
  const { log } = deps;
  const keys = leaseKeys(deps.prefix, data.mailbox);
  const lease = await Lease.acquire(deps.redis, keys, deps.leaseTtlMs);
  if (!lease) {
    log.info({ code: 'fetch.lease_busy', mailbox: data.mailbox, trigger: data.trigger });
    return { outcome: 'lease_held', found: 0, enqueued: 0, tooLarge: 0 };
  }
  deps.onLease?.(true);
  const watchdog = new AbortController();
  const timer = setTimeout(() => watchdog.abort(), deps.syncTimeoutMs);
  try {
    return await syncHoldingLease(data, deps, lease, watchdog.signal);
  } catch (err) {
    if (!watchdog.signal.aborted) throw err;
    log.error({ code: 'fetch.sync_timeout', mailbox: data.mailbox, trigger: data.trigger, timeoutMs: deps.syncTimeoutMs });
    throw new RetryableError('fetch.sync_timeout', `the sync overran ${deps.syncTimeoutMs} ms; its connection was destroyed`, { cause: err });
  } finally {
    clearTimeout(timer);
    deps.onLease?.(false);
    await lease.release();
  }
}

async function syncHoldingLease(data: FetchJob, deps: FetcherDeps, lease: Lease, signal: AbortSignal): Promise<SyncResult> {
  const { redis, log } = deps;
  const key = cursorKey(deps.prefix, data.mailbox);
  const client = await deps.connect(signal);
  try {
    const cursor = await readCursor(redis, key);
    // Read-only (EXAMINE) unless \Seen is to be set; bodies are fetched with BODY.PEEK either way.
    const box = await client.mailboxOpen(data.mailbox, { readOnly: !deps.markSeen }).catch((err: unknown) => {
      // imapflow flags a SELECT refused because the mailbox is not there (NONEXISTENT and the like).
      if ((err as { mailboxMissing?: unknown }).mailboxMissing === true) {
        // Synced before: the mailbox is being deleted and created again (or restored), which takes
        // a moment with nothing there. An ordinary failure, retried at the next tick; only a name
        // never seen is a configuration error that opens the circuit at once for minutes.
        if (cursor) {
          throw new RetryableError('fetch.mailbox_gone', `the mailbox ${JSON.stringify(data.mailbox)}, synced before, is not on the server now (deleted, or being created again)`, { cause: err });
        }
        throw new RetryableError('fetch.mailbox_missing', `the mailbox ${JSON.stringify(data.mailbox)} does not exist on the server (check IMAP_MAILBOX)`, { cause: err });
      }
      throw err;
    });
    const uidValidity = String(box.uidValidity);

    let uids: number[];
    if (cursor && cursor.uidValidity === uidValidity) {
      const found = await client.search({ uid: `${cursor.lastUid + 1}:*` }, { uid: true });
      // `n:*` always matches the highest UID, even when it is below n.
      uids = (found || []).filter((uid) => uid > cursor.lastUid);
    } else if (cursor) {
      // The mailbox was recreated or restored: every UID changed. Re-read a bounded window (the
      // unseen messages and everything that arrived lately, even if someone read it meanwhile);
      // what was already handed on is recognised by its Message-ID in the parser.
      const since = new Date(Date.now() - deps.resyncWindowMs);
      log.warn({ code: 'fetch.uidvalidity_changed', mailbox: data.mailbox, from: cursor.uidValidity, to: uidValidity, since: since.toISOString() });
      uids = (await client.search({ or: [{ seen: false }, { since }] }, { uid: true })) || [];
    } else {
      // First run: the unseen messages, as the original read them.
      uids = (await client.search({ seen: false }, { uid: true })) || [];
    }
    uids.sort((a, b) => a - b);

    const result: SyncResult = {
      outcome: 'synced',
      uidValidity,
      found: uids.length,
      enqueued: 0,
      tooLarge: 0,
      lastUid: cursor?.uidValidity === uidValidity ? cursor.lastUid : 0,
    };
    const batchSize = deps.batchSize ?? 200;
    for (let i = 0; i < uids.length; i += batchSize) {
      const batch = uids.slice(i, i + batchSize);
      const sizes = new Map<number, number>();
      for await (const msg of client.fetch(batch.join(','), { uid: true, size: true }, { uid: true })) {
        sizes.set(msg.uid, msg.size ?? 0);
      }
      for (const chunk of chunksBySize(batch, sizes, deps.maxMessageBytes)) {
        if (lease.lost) return leaseLost(result, data, log);
        const handed = await handOffChunk(client, { mailbox: data.mailbox, uidValidity }, chunk, sizes, deps);
        result.enqueued += handed.enqueued;
        result.tooLarge += handed.tooLarge;
        const lastUid = chunk[chunk.length - 1]!;
        if (!(await advanceCursor(redis, key, lease.keys.fence, lease.fence, { uidValidity, lastUid }))) {
          return leaseLost(result, data, log);
        }
        result.lastUid = lastUid;
      }
    }
    log.info({ code: 'fetch.synced', mailbox: data.mailbox, trigger: data.trigger, found: result.found, enqueued: result.enqueued, tooLarge: result.tooLarge });
    return result;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/**
 * A newer holder exists (this process was paused past the lease TTL): stop here. What this sync
 * enqueued has deterministic job ids, so the new holder's work on the same messages is one job.
 */
function leaseLost(result: SyncResult, data: FetchJob, log: Logger): SyncResult {
  log.warn({ code: 'fetch.lease_lost', mailbox: data.mailbox, enqueued: result.enqueued });
  return { ...result, outcome: 'lease_lost' };
}

/** At most this many bytes of message sources are held in memory at once (one FETCH command). */
export const CHUNK_BYTES = 8 * 1024 * 1024;
const CHUNK_MESSAGES = 50;

/**
 * Consecutive UIDs grouped so that one FETCH brings at most CHUNK_BYTES of sources (a larger
 * message comes alone) and at most CHUNK_MESSAGES messages. Messages above the size limit and
 * expunged ones (no size) cost nothing and ride along.
 */
export function chunksBySize(uids: readonly number[], sizes: ReadonlyMap<number, number>, maxMessageBytes: number): number[][] {
  const chunks: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const uid of uids) {
    const size = sizes.get(uid);
    const weight = size !== undefined && size <= maxMessageBytes ? size : 0;
    if (current.length > 0 && ((weight > 0 && bytes + weight > CHUNK_BYTES) || current.length >= CHUNK_MESSAGES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(uid);
    bytes += weight;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * Hands a chunk of messages on with one FETCH of their sources (a message above
 * LARGE_MESSAGE_BYTES is never held whole, see parkLarge): each raw message is parked in
 * Redis, then its parse job is added; \Seen is set on the chunk with one STORE once every job
 * exists. A message too large to download stays unread: its parse job only records it for
 * parse.dead, and the person reading the mailbox still sees it. An expunged message is skipped.
 */
async function handOffChunk(
  client: ImapFlow,
  box: Omit<MessageRef, 'uid'>,
  chunk: readonly number[],
  sizes: ReadonlyMap<number, number>,
  deps: FetcherDeps,
): Promise<{ enqueued: number; tooLarge: number }> {
  const refOf = (uid: number): MessageRef => ({ ...box, uid });
  let tooLarge = 0;
  const wanted: number[] = [];
  for (const uid of chunk) {
    const size = sizes.get(uid);
    if (size === undefined) continue;
    if (size <= deps.maxMessageBytes) {
      wanted.push(uid);
      continue;
    }
    deps.log.warn({ code: 'fetch.message_too_large', uid, size, limit: deps.maxMessageBytes });
    await deps.enqueueParse([{ ref: refOf(uid), size }]);
    tooLarge += 1;
  }
  if (wanted.length === 0) return { enqueued: 0, tooLarge };
  const rawKeyOf = (uid: number) => `${deps.prefix}:raw:${messageKey(refOf(uid))}`;
  const handed: number[] = [];

  const whole = wanted.filter((uid) => sizes.get(uid)! <= LARGE_MESSAGE_BYTES);
  if (whole.length > 0) {
    // No other IMAP command may run while a FETCH streams: collect first, then hand on.
    const sources: { uid: number; source: Buffer }[] = [];
    for await (const msg of client.fetch(whole.join(','), { uid: true, source: true }, { uid: true })) {
      if (msg.source) sources.push({ uid: msg.uid, source: msg.source });
    }
    // The chunk's raw messages in one write, then its parse jobs in another.
    const stored = await sources.reduce((batch, { uid, source }) => batch.set(rawKeyOf(uid), source, 'EX', deps.rawTtlSeconds), deps.redis.pipeline()).exec();
    const failed = stored?.find(([err]) => err);
    if (failed) throw failed[0];
    await deps.enqueueParse(sources.map(({ uid, source }) => ({ ref: refOf(uid), rawKey: rawKeyOf(uid), size: sizes.get(uid) ?? source.length })));
    handed.push(...sources.map(({ uid }) => uid));
  }
  for (const uid of wanted.filter((u) => sizes.get(u)! > LARGE_MESSAGE_BYTES)) {
    const rawKey = rawKeyOf(uid);
    const parked = await parkLarge(client, uid, rawKey, deps);
    if (parked.outcome === 'gone') continue;
    if (parked.outcome === 'too_large') {
      // Longer than RFC822.SIZE said: the cap holds all the same.
      deps.log.warn({ code: 'fetch.message_too_large', uid, size: parked.bytes, limit: deps.maxMessageBytes });
      await deps.enqueueParse([{ ref: refOf(uid), size: parked.bytes }]);
      tooLarge += 1;
      continue;
    }
    await deps.enqueueParse([{ ref: refOf(uid), rawKey, size: sizes.get(uid)! }]);
    handed.push(uid);
  }
  if (deps.markSeen && handed.length > 0) {
    await client.messageFlagsAdd(handed.sort((a, b) => a - b).join(','), ['\\Seen'], { uid: true });
  }
  return { enqueued: handed.length, tooLarge };
}

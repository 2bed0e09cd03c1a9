import type { FetchJob, MessageRef, ParseJob } from '@render-signal/contracts';
import { messageKey } from '@render-signal/contracts';
import type { Logger } from '@render-signal/logger';
import type { ImapFlow } from 'imapflow';
import type { Redis } from 'ioredis';
import { advanceCursor, cursorKey, readCursor } from './cursor.js';
import { Lease, leaseKeys } from './lease.js';

export interface FetcherDeps {
  redis: Redis;
  prefix: string;
  log: Logger;
  /** Opens and logs in a fresh IMAP connection; the processor always closes it. */
  connect: () => Promise<ImapFlow>;
  enqueueParse: (job: ParseJob) => Promise<string>;
  maxMessageBytes: number;
  rawTtlSeconds: number;
  /** Longer than the longest IMAP timeout; renewed every third of it while the sync runs. */
  leaseTtlMs: number;
  /** Set \Seen on a message once its parse job exists (never before: a failure leaves it unread). */
  markSeen: boolean;
  batchSize?: number;
}

export interface SyncResult {
  /** `lease_held`: another instance is syncing this mailbox; `lease_lost`: a newer holder took over. */
  outcome: 'synced' | 'lease_held' | 'lease_lost';
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
  try {
    return await syncHoldingLease(data, deps, lease);
  } finally {
    await lease.release();
  }
}

async function syncHoldingLease(data: FetchJob, deps: FetcherDeps, lease: Lease): Promise<SyncResult> {
  const { redis, log } = deps;
  const key = cursorKey(deps.prefix, data.mailbox);
  const client = await deps.connect();
  try {
    // Read-only (EXAMINE) unless \Seen is to be set; bodies are fetched with BODY.PEEK either way.
    const box = await client.mailboxOpen(data.mailbox, { readOnly: !deps.markSeen });
    const uidValidity = String(box.uidValidity);
    const cursor = await readCursor(redis, key);

    let uids: number[];
    if (cursor && cursor.uidValidity === uidValidity) {
      const found = await client.search({ uid: `${cursor.lastUid + 1}:*` }, { uid: true });
      // `n:*` always matches the highest UID, even when it is below n.
      uids = (found || []).filter((uid) => uid > cursor.lastUid);
    } else {
      if (cursor) log.warn({ code: 'fetch.uidvalidity_changed', mailbox: data.mailbox, from: cursor.uidValidity, to: uidValidity });
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
      for (const uid of batch) {
        if (lease.lost) return leaseLost(result, data, log);
        const size = sizes.get(uid);
        // A message expunged since the search has no size: nothing to do, move past it.
        if (size !== undefined) {
          const handed = await handOff(client, { mailbox: data.mailbox, uidValidity, uid }, size, deps);
          if (handed === 'enqueued') result.enqueued += 1;
          if (handed === 'too_large') result.tooLarge += 1;
        }
        if (!(await advanceCursor(redis, key, lease.keys.fence, lease.fence, { uidValidity, lastUid: uid }))) {
          return leaseLost(result, data, log);
        }
        result.lastUid = uid;
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

/**
 * A message too large to download stays unread: its parse job only records it for parse.dead,
 * and the person reading the mailbox still sees it. `gone`: expunged since the search.
 */
async function handOff(client: ImapFlow, ref: MessageRef, size: number, deps: FetcherDeps): Promise<'enqueued' | 'too_large' | 'gone'> {
  if (size > deps.maxMessageBytes) {
    deps.log.warn({ code: 'fetch.message_too_large', uid: ref.uid, size, limit: deps.maxMessageBytes });
    await deps.enqueueParse({ ref, size });
    return 'too_large';
  }
  const message = await client.fetchOne(String(ref.uid), { source: true }, { uid: true });
  if (!message || !message.source) return 'gone';
  const rawKey = `${deps.prefix}:raw:${messageKey(ref)}`;
  await deps.redis.set(rawKey, message.source, 'EX', deps.rawTtlSeconds);
  await deps.enqueueParse({ ref, rawKey, size });
  if (deps.markSeen) await client.messageFlagsAdd(String(ref.uid), ['\\Seen'], { uid: true });
  return 'enqueued';
}

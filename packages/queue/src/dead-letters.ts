import { Job, Queue, type JobsOptions } from 'bullmq';
import { deadLetterSchema, type DeadLetter, type QueueContract } from '@render-signal/contracts';
import type { Logger } from '@render-signal/logger';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { errorCode, PermanentError } from './errors.js';
import { summarise } from './producer.js';

type AnyContract = QueueContract<string, z.ZodType>;

export interface DeadLetterEntry {
  /** Id of the letter in `<queue>.dead` (the id the job had when it failed). */
  letterId: string;
  letter: DeadLetter;
  /** Time since the job failed for good, by the store's clock. */
  ageMs: number;
}

export interface DeadLetterFilter {
  /** Exact error code (`dispatch.rejected`, `dispatch.network`, ...). */
  code?: string;
  /** Case-insensitive text the reason must contain. */
  reasonContains?: string;
  /** Only letters at least this old. */
  minAgeMs?: number;
  /** Only letters at most this old. */
  maxAgeMs?: number;
  /** At most this many letters, newest first. */
  limit?: number;
}

export type ReplayResult =
  | { letterId: string; outcome: 'replayed'; replayJobId: string }
  /** No such letter: it was deleted, or replayed by someone else in the meantime. */
  | { letterId: string; outcome: 'not_found' }
  /** (replayMatching only) The letter's data no longer fits the queue contract; it stays. */
  | { letterId: string; outcome: 'invalid' };

// A dead-letter queue has no worker: its letters stay waiting (BullMQ 6 has no paused list).
const LETTER_STATES = ['waiting', 'prioritized', 'delayed'] as const;
const PAGE = 500;

/**
 * Claims the id a letter is replayed under, once: the first caller's id is stored in the letter's
 * own job hash (a field BullMQ does not use) and every later caller gets that same id back. Nil
 * when the letter no longer exists.
 */
const CLAIM_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSETNX', KEYS[1], 'replayJobId', ARGV[1])
return redis.call('HGET', KEYS[1], 'replayJobId')
`;

/**
 * Browses and replays one stage's dead letters (`<queue>.dead`), for the dashboard and for
 * operators.
 *
 * A replay puts the letter's original job data back on the live queue under a new id derived from
 * the original (`<id>.replay1`, then `.replay2` if that one fails again), then removes the letter.
 * Crash safety, step by step: (1) the replay id is claimed in the letter itself (one atomic Lua
 * call), so every later attempt at this letter uses the same id; (2) the job is added under that
 * id, and BullMQ ignores an add whose id exists; (3) the letter is removed. A crash before (3)
 * leaves the letter in place: replaying it again re-adds the same id, which is a no-op while the
 * job is kept (completed jobs are kept 7 days), then removes the letter. So a replay is never lost
 * (the letter stays until the job exists) and never doubled (one id per letter). Two callers
 * replaying the same letter at once end up with the same single job.
 */
export class DeadLetterStore {
  readonly live: Queue;
  readonly dead: Queue;
  private readonly connection: Redis;
  private readonly clock: () => Date;
  private readonly log: Logger | undefined;

  constructor(
    private readonly contract: AnyContract,
    options: { connection: Redis; prefix: string; clock?: () => Date; log?: Logger },
  ) {
    const { connection, prefix } = options;
    this.connection = connection;
    this.live = new Queue(contract.name, { connection, prefix });
    this.dead = new Queue(contract.deadLetterName, { connection, prefix });
    this.clock = options.clock ?? (() => new Date());
    this.log = options.log?.child({ queue: contract.name });
  }

  /** Letters matching the filter, newest first. Entries that are not dead letters are skipped. */
  async list(filter: DeadLetterFilter = {}): Promise<DeadLetterEntry[]> {
    const now = this.clock().getTime();
    const entries: DeadLetterEntry[] = [];
    for (let start = 0; ; start += PAGE) {
      const jobs = await this.dead.getJobs([...LETTER_STATES], start, start + PAGE - 1);
      for (const job of jobs) {
        const parsed = deadLetterSchema.safeParse(job?.data);
        if (!job?.id || !parsed.success) continue;
        const entry = { letterId: job.id, letter: parsed.data, ageMs: now - Date.parse(parsed.data.failedAt) };
        if (matches(entry, filter)) entries.push(entry);
      }
      if (jobs.length < PAGE) break;
    }
    entries.sort((a, b) => a.ageMs - b.ageMs);
    return filter.limit === undefined ? entries : entries.slice(0, filter.limit);
  }

  /**
   * Re-adds one letter's job to the live queue (see the class comment for why this is safe to
   * repeat) and removes the letter. `jobOptions` override the contract's defaults (e.g. attempts
   * from WEBHOOK_MAX_ATTEMPTS). Throws PermanentError when the letter's data no longer matches the
   * queue's contract: it would only fail again.
   */
  async replay(letterId: string, jobOptions: Omit<JobsOptions, 'jobId'> = {}): Promise<ReplayResult> {
    const job = await Job.fromId(this.dead, letterId);
    const parsedLetter = deadLetterSchema.safeParse(job?.data);
    if (!job || !parsedLetter.success) return { letterId, outcome: 'not_found' };
    const letter = parsedLetter.data;
    const data = this.contract.schema.safeParse(letter.data);
    if (!data.success) {
      throw new PermanentError('job.invalid_data', `dead letter ${letterId} does not match the ${this.contract.name} contract: ${summarise(data.error)}`);
    }
    const candidate = await this.freeReplayId(letter.jobId);
    const claimed = (await this.connection.eval(CLAIM_SCRIPT, 1, this.dead.toKey(letterId), candidate)) as string | null;
    if (claimed === null) return { letterId, outcome: 'not_found' };
    await this.live.add(this.contract.name, data.data, { ...this.contract.defaults, ...jobOptions, jobId: claimed });
    await this.dead.remove(letterId);
    this.log?.info({ code: 'dead_letter.replayed', letterId, replayJobId: claimed, reasonCode: letter.code });
    return { letterId, outcome: 'replayed', replayJobId: claimed };
  }

  /** Replays every letter matching the filter, one after the other; one that cannot be replayed does not stop the rest. */
  async replayMatching(filter: DeadLetterFilter, jobOptions: Omit<JobsOptions, 'jobId'> = {}): Promise<ReplayResult[]> {
    const results: ReplayResult[] = [];
    for (const { letterId } of await this.list(filter)) {
      results.push(
        await this.replay(letterId, jobOptions).catch((err: unknown): ReplayResult => {
          if (errorCode(err) === 'job.invalid_data') return { letterId, outcome: 'invalid' };
          throw err;
        }),
      );
    }
    return results;
  }

  /** Deletes a letter without replaying it; false when there was none. */
  async remove(letterId: string): Promise<boolean> {
    // Queue.remove answers 1 for an id that does not exist too.
    if (!(await Job.fromId(this.dead, letterId))) return false;
    const removed = (await this.dead.remove(letterId)) === 1;
    if (removed) this.log?.info({ code: 'dead_letter.deleted', letterId });
    return removed;
  }

  async close(): Promise<void> {
    await this.live.close();
    await this.dead.close();
  }

  /** `<original>.replay<N>` with the lowest N, above the letter's own, that no job uses. */
  private async freeReplayId(failedJobId: string): Promise<string> {
    const { base, n } = splitReplayId(failedJobId);
    for (let next = n + 1; ; next += 1) {
      const id = `${base}.replay${next}`;
      if (!(await Job.fromId(this.live, id))) return id;
    }
  }
}

/** `a.b.replay3` → `{ base: 'a.b', n: 3 }`; ids with a `:` (BullMQ refuses it in custom ids) get dots. */
export function splitReplayId(jobId: string): { base: string; n: number } {
  const safe = jobId.replaceAll(':', '.');
  const m = /^(.*)\.replay(\d+)$/.exec(safe);
  return m ? { base: m[1]!, n: Number(m[2]) } : { base: safe, n: 0 };
}

function matches(entry: DeadLetterEntry, filter: DeadLetterFilter): boolean {
  const { letter, ageMs } = entry;
  if (filter.code !== undefined && letter.code !== filter.code) return false;
  if (filter.reasonContains !== undefined && !letter.reason.toLowerCase().includes(filter.reasonContains.toLowerCase())) return false;
  if (filter.minAgeMs !== undefined && ageMs < filter.minAgeMs) return false;
  if (filter.maxAgeMs !== undefined && ageMs > filter.maxAgeMs) return false;
  return true;
}

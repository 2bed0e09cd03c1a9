import { hash } from 'node:crypto';
import { deliveryLogEntrySchema, type DeliveryLogEntry } from '@render-signal/contracts';
import { toLocal } from '@render-signal/core';
import type { Redis } from 'ioredis';

export type DeliveryAttempt = Omit<DeliveryLogEntry, 'id'>;

export const deliveryLogKey = (prefix: string) => `${prefix}:dispatch:delivery-log`;

/** Short hash of the subject, to tell entries of one email apart from another without the subject. */
export function subjectHash(subject: string): string {
  return hash('sha256', subject.trim(), 'hex').slice(0, 12);
}

/** What a delivered job keeps in place of its data, written with its log entry. */
export interface ForgetPayload {
  /** The BullMQ job's hash. */
  jobKey: string;
  data: unknown;
}

const LOG_ATTEMPT = 'renderSignalLogAttempt';
/**
 * KEYS: the delivery log, the job's hash (or any key when ARGV[2] is empty). ARGV: MAXLEN, the
 * job's new data ('' to leave it), then the entry's fields and values. The payload goes first, so
 * a log that cannot be written (a script stops at its first error, keeping what it did) never
 * keeps it in Redis; a job that is gone is not written back (HSET would create a hash nothing ever
 * removes).
 */
const LOG_ATTEMPT_LUA = `
if ARGV[2] ~= '' and redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[2], 'data', ARGV[2])
end
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 3))
return 1`;
type LogAttemptCommand = (log: string, job: string, maxEntries: number, data: string, ...fields: string[]) => Promise<number>;

/**
 * Appends one attempt (the stream keeps about `maxEntries`: MAXLEN ~, trimmed by whole nodes) and,
 * after a delivery, replaces the job's data: one command (EVALSHA, loaded once per connection by
 * ioredis), so the attempt costs one write to Redis whatever it records.
 */
export function logAttempt(redis: Redis, prefix: string, attempt: DeliveryAttempt, maxEntries: number, forget?: ForgetPayload): Promise<number> {
  if (!(LOG_ATTEMPT in redis)) redis.defineCommand(LOG_ATTEMPT, { numberOfKeys: 2, lua: LOG_ATTEMPT_LUA });
  const fields = Object.entries(attempt).flatMap(([k, v]) => (v === undefined ? [] : [k, String(v)]));
  const command = (redis as unknown as Record<typeof LOG_ATTEMPT, LogAttemptCommand>)[LOG_ATTEMPT];
  const log = deliveryLogKey(prefix);
  return command.call(redis, log, forget?.jobKey ?? log, maxEntries, forget ? JSON.stringify(forget.data) : '', ...fields);
}

export interface DeliveryLogQuery {
  /** At most this many entries, newest first (default 50). */
  limit?: number;
  /** Only attempts made at or after this time. */
  since?: Date;
  /** Only attempts of this calendar day (`YYYY-MM-DD`) in `timezone`. */
  day?: string;
  /** IANA zone of `day` (POLLING_TIMEZONE); UTC when unset. */
  timezone?: string;
}

const PAGE = 200;

/**
 * The newest attempts of the delivery log, validated; an entry that does not parse (written by
 * another version) is skipped rather than failing the whole read.
 */
export async function readDeliveryLog(redis: Redis, prefix: string, query: DeliveryLogQuery = {}): Promise<DeliveryLogEntry[]> {
  const limit = query.limit ?? 50;
  const zone = query.timezone ?? 'UTC';
  const since = query.since?.getTime();
  const out: DeliveryLogEntry[] = [];
  let end = '+';
  while (out.length < limit) {
    const page = await redis.xrevrange(deliveryLogKey(prefix), end, '-', 'COUNT', PAGE);
    for (const [id, flat] of page) {
      const raw: Record<string, string> = { id };
      for (let i = 0; i + 1 < flat.length; i += 2) raw[flat[i]!] = flat[i + 1]!;
      const parsed = deliveryLogEntrySchema.safeParse(raw);
      if (!parsed.success) continue;
      const at = new Date(parsed.data.at);
      // Newest first: once past the lower bound, nothing older can match.
      if (since !== undefined && at.getTime() < since) return out;
      if (query.day !== undefined) {
        const day = toLocal(at, zone).toISODate() ?? '';
        if (day < query.day) return out;
        if (day > query.day) continue;
      }
      out.push(parsed.data);
      if (out.length >= limit) return out;
    }
    if (page.length < PAGE) break;
    end = `(${page[page.length - 1]![0]}`;
  }
  return out;
}

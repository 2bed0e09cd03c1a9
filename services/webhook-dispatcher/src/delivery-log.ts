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

/** Appends one attempt; the stream keeps about `maxEntries` (MAXLEN ~, trimmed by whole nodes). */
export async function appendDeliveryLog(redis: Redis, prefix: string, attempt: DeliveryAttempt, maxEntries: number): Promise<void> {
  const fields = Object.entries(attempt).flatMap(([k, v]) => (v === undefined ? [] : [k, String(v)]));
  await redis.xadd(deliveryLogKey(prefix), 'MAXLEN', '~', maxEntries, '*', ...fields);
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

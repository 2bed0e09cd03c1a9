import type { Redis } from 'ioredis';

/** Per mailbox: the UIDVALIDITY the cursor belongs to and the highest UID already enqueued. */
export interface Cursor {
  uidValidity: string;
  lastUid: number;
}

export function cursorKey(prefix: string, mailbox: string): string {
  return `${prefix}:cursor:${encodeURIComponent(mailbox)}`;
}

export async function readCursor(redis: Redis, key: string): Promise<Cursor | undefined> {
  const h = await redis.hgetall(key);
  if (!h.uidValidity || !h.lastUid) return undefined;
  return { uidValidity: h.uidValidity, lastUid: Number(h.lastUid) };
}

// Succeeds only for the newest fence number (the current lease holder), and never moves the
// cursor back within one UIDVALIDITY.
const ADVANCE = `
if tonumber(redis.call('GET', KEYS[2])) ~= tonumber(ARGV[1]) then return 0 end
if redis.call('HGET', KEYS[1], 'uidValidity') == ARGV[2] and tonumber(redis.call('HGET', KEYS[1], 'lastUid') or '0') >= tonumber(ARGV[3]) then
  return 1
end
redis.call('HSET', KEYS[1], 'uidValidity', ARGV[2], 'lastUid', ARGV[3])
return 1`;

/** False when a newer lease holder exists: this writer must stop. */
export async function advanceCursor(redis: Redis, key: string, fenceKey: string, fence: number, cursor: Cursor): Promise<boolean> {
  return Number(await redis.eval(ADVANCE, 2, key, fenceKey, fence, cursor.uidValidity, cursor.lastUid)) === 1;
}

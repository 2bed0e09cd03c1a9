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

export async function writeCursor(redis: Redis, key: string, cursor: Cursor): Promise<void> {
  await redis.hset(key, { uidValidity: cursor.uidValidity, lastUid: String(cursor.lastUid) });
}

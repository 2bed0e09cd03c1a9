import { Redis } from 'ioredis';

/** Deletes every key starting with `prefix` (SCAN, not KEYS, so a big test database is not blocked). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  if (prefix.length === 0) throw new Error('deleteKeys needs a non-empty prefix (it would delete everything)');
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  // Without a listener a connection error is also emitted as 'error' and logged as unhandled.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const match = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

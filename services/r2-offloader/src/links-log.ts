import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LinkPair {
  sourceUrl: string;
  r2Url: string;
  provider: string;
  originalFilename?: string;
}

export interface StoredLinkPair {
  /** The source URL without its query string (which holds share keys such as Dropbox's `rlkey`). */
  source: string;
  /** SHA-256 of the full normalised source URL: finds a link without storing its secret part. */
  sourceHash: string;
  r2Url: string;
  provider: string;
  originalFilename?: string;
  createdAt: string;
}

export interface LinksLog {
  record(pair: LinkPair): Promise<void>;
  recent(limit?: number): Promise<StoredLinkPair[]>;
}

/**
 * The original's `webhook_links.json` (last N source→R2 pairs) as a Redis sorted set scored by
 * time: the same pair recorded again moves to the front instead of being duplicated, and the set
 * is trimmed to `maxEntries` in the same transaction.
 */
export function createLinksLog(redis: Redis, prefix: string, maxEntries: number, now: () => number): LinksLog {
  const key = `${prefix}:r2:links`;
  return {
    async record(pair) {
      if (maxEntries === 0) return;
      const url = new URL(pair.sourceUrl);
      const member = JSON.stringify({
        source: `${url.origin}${url.pathname}`,
        sourceHash: createHash('sha256').update(pair.sourceUrl).digest('hex'),
        r2Url: pair.r2Url,
        provider: pair.provider,
        ...(pair.originalFilename ? { originalFilename: pair.originalFilename } : {}),
      });
      await redis
        .multi()
        .zadd(key, now(), member)
        .zremrangebyrank(key, 0, -maxEntries - 1)
        .exec();
    },
    async recent(limit = maxEntries) {
      const raw = await redis.zrevrange(key, 0, limit - 1, 'WITHSCORES');
      const pairs: StoredLinkPair[] = [];
      for (let i = 0; i + 1 < raw.length; i += 2) {
        pairs.push({ ...(JSON.parse(raw[i] as string) as Omit<StoredLinkPair, 'createdAt'>), createdAt: new Date(Number(raw[i + 1])).toISOString() });
      }
      return pairs;
    },
  };
}

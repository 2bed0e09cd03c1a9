import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { freePorts } from '@render-signal/testing';
import { Redis } from 'ioredis';
import { RedisUnavailableError, redisAnswers, startLocalRedis } from '../src/index.js';

async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port!;
}

describe('local Redis for `pnpm start`', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rs-local-redis-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts redis-server with an append-only file when nothing answers, and stops it with the data flushed', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    expect(await redisAnswers(url)).toBe(false);

    const local = await startLocalRedis(url, dataDir);
    const client = new Redis(url);
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    await client.set('kept', '1');
    await client.quit();
    await local.stop();

    expect(await redisAnswers(url)).toBe(false);
    expect(readdirSync(join(dataDir, 'redis')).some((f) => f.startsWith('appendonly'))).toBe(true);
  });

  it('says how to install Redis when there is no binary to start', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const attempt = startLocalRedis(url, dataDir, { binary: 'redis-server-not-installed' });
    await expect(attempt).rejects.toThrow(RedisUnavailableError);
    await expect(attempt).rejects.toThrow(/no redis-server-not-installed binary.*apt-get install redis-server.*REDIS_URL/);
  });
});

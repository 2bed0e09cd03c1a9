import { afterEach, describe, expect, test } from '@jest/globals';
import { connect } from 'node:net';
import { Redis } from 'ioredis';
import { deleteKeys, startRedisServer, testRedisUrl, uniquePrefix, type RedisServer } from '../src/index.js';

async function withRedis<T>(url: string, fn: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('startRedisServer', () => {
  let server: RedisServer | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  test('starts on a private loopback port with the test settings', async () => {
    server = await startRedisServer();
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    const settings = await withRedis(server.url, (redis) =>
      Promise.all([redis.config('GET', 'maxmemory-policy'), redis.config('GET', 'appendonly'), redis.config('GET', 'save')]),
    );
    expect(settings).toEqual([['maxmemory-policy', 'noeviction'], ['appendonly', 'no'], ['save', '']]);
  });

  test('restart keeps the data when appendonly', async () => {
    server = await startRedisServer({ appendonly: true });
    const url = server.url;
    await withRedis(url, (redis) => redis.set('k', 'survives'));
    await server.restart();
    expect(await withRedis(url, (redis) => redis.get('k'))).toBe('survives');
  }, 20_000);

  test('restart starts empty without appendonly', async () => {
    server = await startRedisServer();
    const url = server.url;
    await withRedis(url, (redis) => redis.set('k', 'lost'));
    await server.restart();
    expect(await withRedis(url, (redis) => redis.get('k'))).toBeNull();
  }, 20_000);

  test('stop frees the port and can be called twice', async () => {
    const stopped = await startRedisServer();
    await stopped.stop();
    expect(await refusesConnections(stopped.port)).toBe(true);
    await stopped.stop();
  });
});

describe('shared test Redis from the global setup', () => {
  test('testRedisUrl() points at a live private server', async () => {
    const url = testRedisUrl();
    expect(url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(await withRedis(url, (redis) => redis.ping())).toBe('PONG');
  });

  test('deleteKeys removes only the keys under its prefix', async () => {
    const url = testRedisUrl();
    const mine = uniquePrefix('delete keys');
    const other = uniquePrefix('delete-keys');
    expect(mine).toMatch(/^t-delete-keys-[0-9a-f]{10}$/);
    expect(mine).not.toBe(other);
    await withRedis(url, async (redis) => {
      for (let i = 0; i < 2500; i++) await redis.set(`${mine}:job:${i}`, 'x');
      await redis.set(`${other}:job:1`, 'keep');
    });
    await deleteKeys(url, mine);
    await withRedis(url, async (redis) => {
      expect(await redis.keys(`${mine}*`)).toEqual([]);
      expect(await redis.get(`${other}:job:1`)).toBe('keep');
    });
    await deleteKeys(url, other);
  }, 20_000);
});

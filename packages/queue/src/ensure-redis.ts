import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';

export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/** One PING with no retries: answers whether a Redis is there right now. */
export async function redisAnswers(url: string, timeoutMs = 1_000): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: timeoutMs,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export interface LocalRedis {
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `redis-server` on the default address with an append-only file, for a user who runs
 * `pnpm start` without REDIS_URL. Persistence and `noeviction` are on: queues must not lose jobs.
 */
export async function startLocalRedis(
  url: string,
  dataDir: string,
  options: { binary?: string; deadlineMs?: number } = {},
): Promise<LocalRedis> {
  const { binary = 'redis-server', deadlineMs = 10_000 } = options;
  const { hostname, port } = new URL(url);
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    binary,
    ['--bind', hostname, '--port', port || '6379', '--dir', dir, '--appendonly', 'yes', '--save', '', '--maxmemory-policy', 'noeviction'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<Error>((res) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      res(
        err.code === 'ENOENT'
          ? new RedisUnavailableError(
              `No Redis answers on ${url} and there is no ${binary} binary to start one. ` +
                'Install Redis (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.',
            )
          : err,
      ),
    );
    child.once('exit', (code) => res(new RedisUnavailableError(`redis-server exited with code ${code} before answering on ${url}`)));
  });
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const early = await Promise.race([exited, redisAnswers(url, 200).then((ok) => (ok ? true : undefined))]);
    if (early === true) break;
    if (early instanceof Error) throw early;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new RedisUnavailableError(`redis-server did not answer on ${url} within ${deadlineMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM'); // redis-server flushes its append-only file on SIGTERM
      await gone;
    },
  };
}

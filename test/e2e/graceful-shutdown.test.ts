import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deleteKeys, spawnNodeProcess, startDovecot, testRedisUrl, uniquePrefix, type DovecotServer, type NodeProcess } from '@render-signal/testing';
import { Redis } from 'ioredis';

const MAIN = fileURLToPath(new URL('../../services/imap-fetcher/dist/main.js', import.meta.url));

describe('graceful shutdown of the fetcher (SIGTERM, as Render sends on deploy)', () => {
  let dovecot: DovecotServer;
  let redis: Redis;
  const prefix = uniquePrefix('shutdown');
  const procs: NodeProcess[] = [];

  beforeAll(async () => {
    dovecot = await startDovecot({ users: { dave: 'davepw' } });
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    for (const p of procs) if (p.exitCode() === undefined) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    await redis?.quit();
    await dovecot?.stop();
    await deleteKeys(testRedisUrl(), prefix);
  });

  const start = (name: string) => {
    // A long lease: a takeover within seconds proves the lease was released, not left to expire.
    const env = { REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, ...dovecot.mailboxEnv('dave'), FETCH_LEASE_TTL_SECONDS: '120', METRICS_PORT: '0' };
    const proc = spawnNodeProcess(MAIN, [], env, name);
    procs.push(proc);
    return proc;
  };

  it('stops within seconds, exits 0, releases the watch lease, and the next instance takes over at once', async () => {
    const first = start('fetcher-1');
    await first.waitForLine((l) => l.code === 'fetch.watching', 20_000);
    expect(await redis.exists(`${prefix}:watch:lease:fetch:INBOX`)).toBe(1);

    const stoppingAt = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(Date.now() - stoppingAt).toBeLessThan(10_000);
    expect(first.lines.find((l) => l.code === 'service.stopped')).toMatchObject({ clean: true });
    expect(await redis.exists(`${prefix}:watch:lease:fetch:INBOX`, `${prefix}:lease:fetch:INBOX`)).toBe(0);

    const second = start('fetcher-2');
    const startedAt = Date.now();
    await second.waitForLine((l) => l.code === 'fetch.watching', 20_000);
    expect(Date.now() - startedAt).toBeLessThan(15_000);
  });
});

import { once } from 'node:events';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { defineQueue, type DeadLetter } from '@render-signal/contracts';
import { createLogger } from '@render-signal/logger';
import { deleteKeys, testRedisUrl, uniquePrefix } from '@render-signal/testing';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { DeadLetterStore, Lifecycle, Metrics, PermanentError, createProcessor, createProducer, splitReplayId } from '../src/index.js';

const contract = defineQueue({
  name: 'sample',
  schema: z.object({ id: z.string(), n: z.number().int() }),
  defaults: { attempts: 1, removeOnComplete: { age: 60 }, removeOnFail: { age: 60 } },
  jobId: (d) => `sample.${d.id}`,
});
const NOW = new Date('2026-01-13T09:15:00Z');
const HOUR = 3_600_000;
const log = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });

describe('DeadLetterStore', () => {
  let redis: Redis;
  let prefix: string;
  let lifecycle: Lifecycle;
  let store: DeadLetterStore;
  let dead: Queue;

  beforeEach(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    prefix = uniquePrefix('dlq');
    lifecycle = new Lifecycle(log);
    store = new DeadLetterStore(contract, { connection: redis, prefix, clock: () => NOW, log });
    dead = new Queue(contract.deadLetterName, { connection: redis, prefix });
  });
  afterEach(async () => {
    await lifecycle.stop();
    await store.close();
    await dead.close();
    await redis.quit();
    await deleteKeys(testRedisUrl(), prefix);
  });

  /** Parks a letter as createProcessor does (same queue, same id rule). */
  async function park(jobId: string, fields: Partial<DeadLetter> = {}, ageMs = HOUR): Promise<void> {
    const letter: DeadLetter = {
      queue: contract.name,
      jobId,
      data: { id: jobId, n: 1 },
      reason: 'HTTP 400: payload invalide',
      code: 'sample.rejected',
      attemptsMade: 1,
      failedAt: new Date(NOW.getTime() - ageMs).toISOString(),
      ...fields,
    };
    await dead.add('dead', letter, { jobId });
  }

  /** A processor on the live queue that records what it runs. */
  function process() {
    const ran: string[] = [];
    const { worker } = createProcessor(
      contract,
      async (_data, job) => {
        ran.push(String(job.id));
      },
      { connection: redis, prefix, log, metrics: new Metrics(), lifecycle },
    );
    return { worker, ran };
  }

  it('lists letters newest first, with code, reason and age, filtered by code, text of the reason and age', async () => {
    await park('sample.a', {}, 3 * HOUR);
    await park('sample.b', { code: 'sample.network', reason: 'request failed: ECONNREFUSED' }, 2 * HOUR);
    await park('sample.c', {}, 10 * 60_000);
    await dead.add('junk', { not: 'a letter' }, { jobId: 'junk' });

    const all = await store.list();
    expect(all.map((e) => [e.letterId, e.ageMs])).toEqual([
      ['sample.c', 10 * 60_000],
      ['sample.b', 2 * HOUR],
      ['sample.a', 3 * HOUR],
    ]);
    expect(all[1]?.letter).toMatchObject({ code: 'sample.network', reason: 'request failed: ECONNREFUSED', attemptsMade: 1 });
    expect((await store.list({ code: 'sample.rejected' })).map((e) => e.letterId)).toEqual(['sample.c', 'sample.a']);
    expect((await store.list({ reasonContains: 'econnrefused' })).map((e) => e.letterId)).toEqual(['sample.b']);
    expect((await store.list({ minAgeMs: HOUR })).map((e) => e.letterId)).toEqual(['sample.b', 'sample.a']);
    expect((await store.list({ maxAgeMs: HOUR })).map((e) => e.letterId)).toEqual(['sample.c']);
    expect((await store.list({ limit: 1 })).map((e) => e.letterId)).toEqual(['sample.c']);
  });

  it('replays a letter on the live queue under a derived id and removes it; a replay that fails again is replayed as .replay2', async () => {
    const { worker, ran } = process();
    const producer = createProducer(contract, redis, prefix);
    lifecycle.onStop('producer', () => producer.queue.close());
    await park('sample.a');

    let done = once(worker, 'completed');
    expect(await store.replay('sample.a')).toEqual({ letterId: 'sample.a', outcome: 'replayed', replayJobId: 'sample.a.replay1' });
    await done;
    expect(ran).toEqual(['sample.a.replay1']);
    expect(await store.list()).toEqual([]);
    expect(await store.replay('sample.a')).toEqual({ letterId: 'sample.a', outcome: 'not_found' });

    // The replayed job failed for good in its turn: its letter carries its own id.
    await park('sample.a.replay1');
    done = once(worker, 'completed');
    expect(await store.replay('sample.a.replay1')).toMatchObject({ replayJobId: 'sample.a.replay2' });
    await done;
    // And the original dead-lettered again (retried by hand elsewhere) takes the next free id.
    await park('sample.a');
    done = once(worker, 'completed');
    expect(await store.replay('sample.a')).toMatchObject({ replayJobId: 'sample.a.replay3' });
    await done;
    expect(ran).toEqual(['sample.a.replay1', 'sample.a.replay2', 'sample.a.replay3']);
  });

  it('after a crash between adding the job and removing the letter, a second replay adds nothing', async () => {
    await park('sample.a');
    // What a replay had done when the process died: the id claimed in the letter, the job added.
    await redis.hset(dead.toKey('sample.a'), 'replayJobId', 'sample.a.replay1');
    const live = new Queue(contract.name, { connection: redis, prefix });
    lifecycle.onStop('live', () => live.close());
    await live.add(contract.name, { id: 'sample.a', n: 1 }, { jobId: 'sample.a.replay1' });

    // Even with the id taken, the letter's claim wins, so the job is not added a second time.
    expect(await store.replay('sample.a')).toMatchObject({ outcome: 'replayed', replayJobId: 'sample.a.replay1' });
    expect(await store.list()).toEqual([]);
    const { worker, ran } = process();
    await once(worker, 'completed');
    expect(ran).toEqual(['sample.a.replay1']);
    expect(await live.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed')).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 1, failed: 0 });
  });

  it('runs a letter replayed by two callers at once only once', async () => {
    await park('sample.a');
    const results = await Promise.all([store.replay('sample.a'), store.replay('sample.a'), store.replay('sample.a')]);
    const ids = new Set(results.flatMap((r) => (r.outcome === 'replayed' ? [r.replayJobId] : [])));
    expect(ids).toEqual(new Set(['sample.a.replay1']));
    const { worker, ran } = process();
    await once(worker, 'completed');
    const live = new Queue(contract.name, { connection: redis, prefix });
    lifecycle.onStop('live', () => live.close());
    expect(await live.getJobCounts('waiting', 'delayed', 'active', 'completed')).toEqual({ waiting: 0, delayed: 0, active: 0, completed: 1 });
    expect(ran).toEqual(['sample.a.replay1']);
  });

  it('replays every letter matching a filter, and leaves the others', async () => {
    const { worker, ran } = process();
    await park('sample.a');
    await park('sample.b', { code: 'sample.network' });
    await park('sample.c', { code: 'sample.network' });
    let n = 0;
    const two = new Promise<void>((resolve) => worker.on('completed', () => ++n === 2 && resolve()));
    const results = await store.replayMatching({ code: 'sample.network' });
    expect(results.map((r) => r.outcome)).toEqual(['replayed', 'replayed']);
    await two;
    expect(ran.sort()).toEqual(['sample.b.replay1', 'sample.c.replay1']);
    expect((await store.list()).map((e) => e.letterId)).toEqual(['sample.a']);
  });

  it('refuses to replay data that no longer matches the contract, and deletes on request', async () => {
    await park('sample.a', { data: { id: 'sample.a', n: 'one' } });
    await expect(store.replay('sample.a')).rejects.toThrow(PermanentError);
    // Replaying all of them reports it and goes on with the others.
    await park('sample.b', { failedAt: new Date(NOW.getTime() - 2 * HOUR).toISOString() });
    expect(await store.replayMatching({})).toEqual([
      { letterId: 'sample.a', outcome: 'invalid' },
      { letterId: 'sample.b', outcome: 'replayed', replayJobId: 'sample.b.replay1' },
    ]);
    expect(await store.remove('sample.a')).toBe(true);
    expect(await store.remove('sample.a')).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it('works on letters parked by a real processor', async () => {
    let fail = true;
    const { worker } = createProcessor(
      contract,
      async () => {
        if (fail) throw new PermanentError('sample.rejected', 'HTTP 400: bad');
      },
      { connection: redis, prefix, log, metrics: new Metrics(), lifecycle },
    );
    const producer = createProducer(contract, redis, prefix);
    lifecycle.onStop('producer', () => producer.queue.close());
    const failed = new Promise<Job>((resolve) => worker.on('failed', (j) => j?.finishedOn && resolve(j)));
    await producer.add({ id: 'x', n: 2 });
    await failed;
    const realStore = new DeadLetterStore(contract, { connection: redis, prefix });
    lifecycle.onStop('store', () => realStore.close());
    const [entry] = await realStore.list();
    expect(entry).toMatchObject({ letterId: 'sample.x', letter: { code: 'sample.rejected', data: { id: 'x', n: 2 } } });
    expect(entry!.ageMs).toBeGreaterThanOrEqual(0);
    fail = false;
    const done = once(worker, 'completed');
    await realStore.replay('sample.x');
    const [job] = (await done) as [Job];
    expect(job.id).toBe('sample.x.replay1');
    expect(job.data).toEqual({ id: 'x', n: 2 });
  });
});

describe('splitReplayId', () => {
  it('finds the replay number and keeps ids BullMQ accepts', () => {
    expect(splitReplayId('INBOX.7.1')).toEqual({ base: 'INBOX.7.1', n: 0 });
    expect(splitReplayId('INBOX.7.1.replay12')).toEqual({ base: 'INBOX.7.1', n: 12 });
    expect(splitReplayId('repeat:sync:123')).toEqual({ base: 'repeat.sync.123', n: 0 });
  });
});

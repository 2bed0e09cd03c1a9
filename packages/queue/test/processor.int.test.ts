import { once } from 'node:events';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { defineQueue, deadLetterSchema } from '@render-signal/contracts';
import { createLogger } from '@render-signal/logger';
import { deleteKeys, testRedisUrl, uniquePrefix } from '@render-signal/testing';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { Lifecycle, Metrics, PermanentError, RetryableError, createProcessor, createProducer, type Handler } from '../src/index.js';

const contract = defineQueue({
  name: 'sample',
  schema: z.object({ id: z.string(), n: z.number().int() }),
  defaults: { attempts: 3, backoff: { type: 'fixed', delay: 1 }, removeOnComplete: { age: 60 }, removeOnFail: { age: 60 } },
  jobId: (d) => `sample.${d.id}`,
});

describe('createProcessor', () => {
  let redis: Redis;
  let prefix: string;
  let lifecycle: Lifecycle;
  let metrics: Metrics;
  const log = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });

  beforeEach(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    prefix = uniquePrefix('proc');
    lifecycle = new Lifecycle(log);
    metrics = new Metrics();
  });
  afterEach(async () => {
    await lifecycle.stop();
    await redis.quit();
    await deleteKeys(testRedisUrl(), prefix);
  });

  function start(handler: Handler<typeof contract>, deadLetterWhen?: (err: unknown) => boolean) {
    const producer = createProducer(contract, redis, prefix);
    lifecycle.onStop('producer', () => producer.queue.close());
    const processor = createProcessor(contract, handler, { connection: redis, prefix, log, metrics, lifecycle, deadLetterWhen });
    return { producer, ...processor };
  }

  /** Resolves with the job once BullMQ has given up on it. */
  function finalFailure(worker: ReturnType<typeof start>['worker']): Promise<Job> {
    return new Promise((resolve) => {
      worker.on('failed', (job) => {
        if (job && job.finishedOn) resolve(job);
      });
    });
  }

  it('retries a retryable failure up to its attempts, then parks it in <queue>.dead with the reason', async () => {
    const seen: number[] = [];
    const { producer, worker, deadLetters } = start(async (data) => {
      seen.push(data.n);
      throw new RetryableError('sample.down', 'receiver unavailable');
    });
    const failed = finalFailure(worker);
    await producer.add({ id: 'a', n: 1 });
    const job = await failed;

    expect(seen).toEqual([1, 1, 1]);
    expect(job.attemptsMade).toBe(3);
    const letter = deadLetterSchema.parse((await deadLetters.getJob('sample.a'))?.data);
    expect(letter).toMatchObject({ queue: 'sample', jobId: 'sample.a', data: { id: 'a', n: 1 }, reason: 'receiver unavailable', code: 'sample.down', attemptsMade: 3 });
    expect(await metrics.registry.getSingleMetricAsString('render_signal_jobs_total')).toMatch(/queue="sample",outcome="dead"} 1/);
  });

  it('does not retry a permanent failure', async () => {
    let calls = 0;
    const { producer, worker, deadLetters } = start(async () => {
      calls += 1;
      throw new PermanentError('sample.rejected', 'HTTP 400: bad');
    });
    const failed = finalFailure(worker);
    await producer.add({ id: 'b', n: 2 });
    await failed;
    expect(calls).toBe(1);
    expect((await deadLetters.getJob('sample.b'))?.data).toMatchObject({ code: 'sample.rejected', attemptsMade: 1 });
  });

  it('parks only the failures its predicate selects, and counts the others as failed', async () => {
    const { producer, worker, deadLetters } = start(async () => {
      throw new PermanentError('sample.offline', 'server down');
    }, (err) => err instanceof PermanentError && err.code === 'job.invalid_data');
    const failed = finalFailure(worker);
    await producer.add({ id: 'f', n: 1 });
    await failed;
    expect(await deadLetters.getJob('sample.f')).toBeUndefined();
    expect(await metrics.registry.getSingleMetricAsString('render_signal_jobs_total')).toMatch(/queue="sample",outcome="failed"} 1/);
  });

  it('refuses to enqueue data that breaks the contract, and fails such a job once without calling the handler', async () => {
    let calls = 0;
    const { producer, worker, deadLetters } = start(async () => {
      calls += 1;
    });
    await expect(producer.add({ id: 'c', n: 1.5 })).rejects.toThrow(/n: /);

    const failed = finalFailure(worker);
    await producer.queue.add('sample', { id: 'c', n: 'not a number' }, { jobId: 'sample.c' });
    await failed;
    expect(calls).toBe(0);
    expect((await deadLetters.getJob('sample.c'))?.data).toMatchObject({ code: 'job.invalid_data', attemptsMade: 1 });
  });

  it('completes a job and counts it', async () => {
    const { producer, worker } = start(async (data) => data.n * 2);
    const done = once(worker, 'completed');
    await producer.add({ id: 'd', n: 21 });
    const [job] = (await done) as [Job];
    expect(job.returnvalue).toBe(42);
    expect(await metrics.registry.getSingleMetricAsString('render_signal_jobs_total')).toMatch(/queue="sample",outcome="completed"} 1/);
  });

  it('deduplicates by the contract job id', async () => {
    const { producer } = start(async () => new Promise(() => {}));
    await producer.queue.pause();
    expect(await producer.add({ id: 'e', n: 1 })).toBe('sample.e');
    expect(await producer.add({ id: 'e', n: 2 })).toBe('sample.e');
    expect(await producer.queue.getJobCountByTypes('waiting')).toBe(1);
  });

  it('adds many jobs at once with the contract ids and defaults, refusing the whole batch when one breaks the contract', async () => {
    const { producer } = start(async () => new Promise(() => {}));
    await producer.queue.pause();
    await expect(producer.addBulk([{ id: 'f', n: 1 }, { id: 'g', n: 0.5 }])).rejects.toThrow(/n: /);
    expect(await producer.queue.getJobCountByTypes('waiting')).toBe(0);

    expect(await producer.addBulk([{ id: 'f', n: 1 }, { id: 'g', n: 2 }, { id: 'f', n: 3 }])).toEqual(['sample.f', 'sample.g', 'sample.f']);
    expect(await producer.addBulk([])).toEqual([]);
    const waiting = await producer.queue.getJobs(['waiting']);
    expect(waiting.map((j) => [j.id, j.data.n, j.opts.attempts]).sort()).toEqual([
      ['sample.f', 1, 3],
      ['sample.g', 2, 3],
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUES } from '@render-signal/contracts';
import { plainMessage, startRedisServer, type RedisServer } from '@render-signal/testing';
import { Queue } from 'bullmq';
import { startPipeline, type Pipeline } from './support.js';

const BATCH = 200;

describe('chaos: Redis, Dovecot and the receiver restart while mail flows', () => {
  let redisServer: RedisServer;
  let p: Pipeline;
  /** The receiver answers 503 to this many more requests (it is "down"), then 200 again. */
  let failNext = 0;
  let refused = 0;
  /** Email ids the receiver accepted (answered 200). */
  const accepted = new Set<string>();

  beforeAll(async () => {
    redisServer = await startRedisServer({ appendonly: true });
    p = await startPipeline({
      redisUrl: redisServer.url,
      receiver: {
        respond: (req) => {
          if (failNext > 0) {
            failNext -= 1;
            refused += 1;
            return { status: 503, body: { success: false } };
          }
          accepted.add((req.json as { microsoft_graph_email_id: string }).microsoft_graph_email_id);
          return { status: 200, body: { success: true } };
        },
      },
      env: { SENDER_OF_INTEREST_FOR_POLLING: '', ALLOW_CUSTOM_WEBHOOK_WITHOUT_LINKS: 'true', WEBHOOK_RATE_LIMIT_MAX: '0', WEBHOOK_RETRY_BASE_SECONDS: '1', JOB_LOCK_SECONDS: '4' },
    });
  }, 60_000);
  afterAll(async () => {
    await p?.stop();
    await redisServer?.stop();
  });

  const emailId = (r: { json?: unknown }) => (r.json as { microsoft_graph_email_id: string }).microsoft_graph_email_id;
  async function untilDelivered(n: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (accepted.size < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`only ${accepted.size} of ${n} emails delivered in time; ${await diagnose()}`);
      await p.receiver.waitForRequests(p.receiver.requests.length + 1, left).catch(() => undefined);
    }
  }
  /** What a failure needs to be understood: queue states, missing subjects, trouble codes. */
  async function diagnose(): Promise<string> {
    const states: string[] = [];
    for (const contract of Object.values(QUEUES)) {
      for (const name of [contract.name, contract.deadLetterName]) {
        const queue = new Queue(name, { connection: p.redis, prefix: p.prefix });
        states.push(`${name} ${JSON.stringify(await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed', 'completed'))}`);
        await queue.close();
      }
    }
    const activeJobs: string[] = [];
    for (const contract of Object.values(QUEUES)) {
      const queue = new Queue(contract.name, { connection: p.redis, prefix: p.prefix });
      for (const job of await queue.getJobs(['active'])) {
        const lockTtl = await p.redis.pttl(`${p.prefix}:${contract.name}:${job.id}:lock`);
        const lines = p.logs.parsed().filter((l) => l['jobId'] === job.id).map((l) => String(l['code']));
        activeJobs.push(`${contract.name}/${job.id} lockTtl=${lockTtl} attemptsMade=${job.attemptsMade} started=${job.processedOn} logs=${lines.join(',')}`);
      }
      await queue.close();
    }
    const stalled = await p.redis.smembers(`${p.prefix}:dispatch:stalled`);
    const stalledCheck = await p.redis.pttl(`${p.prefix}:dispatch:stalled-check`);
    const activeList = await p.redis.lrange(`${p.prefix}:dispatch:active`, 0, -1);
    states.push(`ACTIVE ${activeJobs.join(' | ')} stalledSet=${JSON.stringify(stalled)} stalledCheckTtl=${stalledCheck} activeList=${JSON.stringify(activeList)}`);
    const subjects = new Set(p.receiver.requests.map((r) => (r.json as { subject: string }).subject));
    const trouble = p.logs.parsed().filter((l) => ['warn', 'error', 'fatal'].includes(String(l['level']))).map((l) => `${String(l['code'])}:${String(l['component'] ?? '')}`);
    const counts = new Map<string, number>();
    for (const t of trouble) counts.set(t, (counts.get(t) ?? 0) + 1);
    return `received subjects ${subjects.size}; queues ${states.join(', ')}; trouble ${JSON.stringify([...counts])}`;
  }
  const batch = (tag: string) => p.dovecot.appendMany('alice', Array.from({ length: BATCH }, (_, i) => plainMessage(tag, i)));

  it('loses nothing and leaves nothing stuck', async () => {
    // Redis shuts down (its append-only file flushed) and comes back on the same port mid-flow.
    const first = batch('redis');
    await untilDelivered(BATCH / 4);
    await redisServer.restart();
    await first;
    await untilDelivered(BATCH);

    // Dovecot is killed and started again mid-flow.
    const second = batch('dovecot');
    await untilDelivered(BATCH + BATCH / 4);
    await second;
    await p.dovecot.restart();
    await untilDelivered(2 * BATCH);

    // The receiver is down (503) for the next 30 requests, then up.
    failNext = 30;
    await batch('receiver');
    await untilDelivered(3 * BATCH, 90_000);
    expect(refused).toBe(30);

    expect(accepted.size).toBe(3 * BATCH);
    const byEmail = new Map<string, Set<string>>();
    for (const r of p.receiver.requests) {
      if (r.headers['webhook-id'] === undefined) continue;
      byEmail.set(emailId(r), (byEmail.get(emailId(r)) ?? new Set()).add(String(r.headers['webhook-id'])));
    }
    expect([...byEmail.values()].filter((ids) => ids.size !== 1)).toEqual([]);
    expect(p.logs.parsed().filter((l) => l.code === 'job.dead_lettered')).toEqual([]);

    // Private after all that: no subject, address or body of the 600 messages in any log line or
    // in anything left in Redis.
    const personal = ['redis message', 'dovecot message', 'receiver message', 'sender1@example.org', 'sender199@example.org', 'Body of'];
    const logText = p.logs.raw.join('\n');
    expect(personal.filter((needle) => logText.includes(needle))).toEqual([]);
    const left: string[] = [];
    for (const key of await p.redis.keys(`${p.prefix}:*`)) {
      const type = await p.redis.type(key);
      if (type === 'string') left.push((await p.redis.getBuffer(key))?.toString('utf8') ?? '');
      else if (type === 'hash') left.push(JSON.stringify(await p.redis.hgetall(key)));
      else if (type === 'stream') left.push(JSON.stringify(await p.redis.xrange(key, '-', '+')));
      else if (type === 'list') left.push(JSON.stringify(await p.redis.lrange(key, 0, -1)));
      else if (type === 'set') left.push(JSON.stringify(await p.redis.smembers(key)));
      else if (type === 'zset') left.push(JSON.stringify(await p.redis.zrange(key, 0, -1)));
    }
    const stored = left.join('\n');
    expect(personal.filter((needle) => stored.includes(needle))).toEqual([]);

    // Nothing stuck: every queue drained, no dead letter.
    for (const contract of Object.values(QUEUES)) {
      for (const name of [contract.name, contract.deadLetterName]) {
        const queue = new Queue(name, { connection: p.redis, prefix: p.prefix });
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed');
        await queue.close();
        // The scheduler's next tick waits delayed, a sync may be running right now, and a sync
        // that failed while Dovecot was down stays failed (the next tick did its work).
        const pending = name === 'fetch' ? { ...counts, delayed: 0, active: 0, failed: 0 } : counts;
        expect(`${name} ${JSON.stringify(pending)}`).toBe(`${name} ${JSON.stringify({ waiting: 0, active: 0, delayed: 0, prioritized: 0, 'waiting-children': 0, failed: 0 })}`);
      }
    }
  }, 240_000);
});

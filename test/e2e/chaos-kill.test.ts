import { fileURLToPath } from 'node:url';
import { QUEUES } from '@render-signal/contracts';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  deleteKeys,
  plainMessage,
  spawnNodeProcess,
  startDovecot,
  startWebhookReceiver,
  testRedisUrl,
  uniquePrefix,
  type DovecotServer,
  type NodeProcess,
  type WebhookReceiver,
} from '@render-signal/testing';

// Every stage as its own real process (the built entry points), a real Dovecot, the run's Redis
// and a recording receiver. Each stage is killed with SIGKILL in turn while a backlog flows.
const root = fileURLToPath(new URL('../../', import.meta.url));
const STAGES = ['imap-fetcher', 'parser', 'r2-offloader', 'webhook-dispatcher'] as const;
type Stage = (typeof STAGES)[number];
const BACKLOG = 2_000;

describe('chaos: SIGKILL each stage in turn while a backlog flows (two fetchers overlapping)', () => {
  let dovecot: DovecotServer;
  let receiver: WebhookReceiver;
  const prefix = uniquePrefix('chaos');
  const running = new Map<Stage, NodeProcess>();
  const all: NodeProcess[] = [];
  let env: NodeJS.ProcessEnv;

  const start = (stage: Stage) => {
    const proc = spawnNodeProcess(`${root}services/${stage}/dist/main.js`, [], env, `${stage}#${all.length}`);
    running.set(stage, proc);
    all.push(proc);
    return proc;
  };

  beforeAll(async () => {
    dovecot = await startDovecot({ users: { carol: 'carolpw' } });
    receiver = await startWebhookReceiver();
    env = {
      NODE_ENV: 'test',
      REDIS_URL: testRedisUrl(),
      REDIS_PREFIX: prefix,
      ...dovecot.mailboxEnv('carol'),
      EMAIL_POLLING_INTERVAL_SECONDS: '1',
      IMAP_TIMEOUT_SECONDS: '5',
      FETCH_LEASE_TTL_SECONDS: '6',
      JOB_LOCK_SECONDS: '4',
      WEBHOOK_URL: receiver.url,
      RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: 'true',
      ALLOW_CUSTOM_WEBHOOK_WITHOUT_LINKS: 'true',
      WEBHOOK_RATE_LIMIT_MAX: '0',
      WEBHOOK_RETRY_BASE_SECONDS: '1',
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
    };
    await Promise.all(STAGES.map((s) => start(s).waitForLine((l) => l.code === 'service.started', 20_000)));
    // A second fetcher runs all along, as during a deploy overlap: the lease and the fencing
    // keep the two from enqueueing anything twice.
    const overlap = spawnNodeProcess(`${root}services/imap-fetcher/dist/main.js`, [], env, 'imap-fetcher#overlap');
    all.push(overlap);
    await overlap.waitForLine((l) => l.code === 'service.started', 20_000);
  }, 60_000);

  afterAll(async () => {
    for (const p of all) if (p.exitCode() === undefined) p.child.kill('SIGKILL');
    await Promise.all(all.map((p) => p.exited));
    await receiver?.close();
    await dovecot?.stop();
    await deleteKeys(testRedisUrl(), prefix);
  });

  /** Distinct emails delivered so far (a message's email id is its Message-ID hash). */
  const delivered = () => new Set(receiver.requests.map((r) => (r.json as { microsoft_graph_email_id: string }).microsoft_graph_email_id));

  /** Resolves once `n` distinct emails have arrived; fails at the deadline. */
  async function untilDelivered(n: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (delivered().size < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`only ${delivered().size} of ${n} emails delivered in time`);
      await receiver.waitForRequests(receiver.requests.length + 1, left).catch(() => undefined);
    }
  }

  it('delivers every message; a duplicate delivery carries the same webhook-id', async () => {
    const messages = Array.from({ length: BACKLOG }, (_, i) => plainMessage('chaos', i));
    const appended = dovecot.appendMany('carol', messages);

    // Each stage dies mid-flow, hard, and comes back; the next one dies a little later.
    let mark = 0;
    for (const stage of STAGES) {
      mark += Math.floor(BACKLOG / 6);
      await untilDelivered(mark, 60_000);
      running.get(stage)!.child.kill('SIGKILL');
      await running.get(stage)!.exited;
      await start(stage).waitForLine((l) => l.code === 'service.started', 20_000);
    }
    expect((await appended).length).toBe(BACKLOG);
    await untilDelivered(BACKLOG, 90_000);

    const ids = delivered();
    expect(ids.size).toBe(BACKLOG);
    // At-least-once across a crash: a repeat is possible, but always under the same webhook-id,
    // so the receiver can drop it.
    const webhookIds = new Map<string, Set<string>>();
    for (const r of receiver.requests) {
      const emailId = (r.json as { microsoft_graph_email_id: string }).microsoft_graph_email_id;
      webhookIds.set(emailId, (webhookIds.get(emailId) ?? new Set()).add(String(r.headers['webhook-id'])));
    }
    expect([...webhookIds.values()].filter((s) => s.size !== 1)).toEqual([]);
    // One parse job per message (ids are per message), whatever the fetchers and kills did.
    const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    const parse = new Queue(QUEUES.parse.name, { connection, prefix });
    const counts = await parse.getJobCounts('completed', 'waiting', 'active', 'delayed', 'failed');
    await parse.close();
    await connection.quit();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(BACKLOG);
    // Nothing was given up on the way.
    const dead = all.flatMap((p) => p.lines).filter((l) => l.code === 'job.dead_lettered');
    expect(dead).toEqual([]);
    const duplicates = receiver.requests.length - BACKLOG;
    process.stdout.write(`chaos: ${BACKLOG} emails, ${receiver.requests.length} deliveries (${duplicates} repeated after a kill)\n`);
  }, 240_000);
});

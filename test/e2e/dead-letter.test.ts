import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_SERVICES } from '@render-signal/cli';
import { QUEUES, deadLetterSchema, messageKey } from '@render-signal/contracts';
import { runServices, type RunningServices } from '@render-signal/queue';
import {
  deleteKeys,
  loadFixture,
  startDovecot,
  startWebhookReceiver,
  testRedisUrl,
  uniquePrefix,
  type DovecotServer,
  type WebhookReceiver,
} from '@render-signal/testing';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { logCapture, pipelineEnv } from './support.js';

describe('a webhook the receiver refuses', () => {
  let dovecot: DovecotServer;
  let receiver: WebhookReceiver;
  let redis: Redis;
  let services: RunningServices;
  let dead: Queue;
  let events: QueueEvents;
  const prefix = uniquePrefix('e2e-dead');
  const logs = logCapture();

  beforeAll(async () => {
    dovecot = await startDovecot({ users: { bob: 'bobpw' } });
    receiver = await startWebhookReceiver({ respond: () => ({ status: 422, body: { success: false, message: 'Lot inconnu' } }) });
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    dead = new Queue(QUEUES.dispatch.deadLetterName, { connection: redis, prefix });
    events = new QueueEvents(QUEUES.dispatch.deadLetterName, { connection: redis, prefix });
    await events.waitUntilReady();
    services = await runServices(ALL_SERVICES, {
      env: pipelineEnv({ redisUrl: testRedisUrl(), prefix, dovecot, user: 'bob', receiver }),
      clock: () => new Date('2026-01-13T09:15:00Z'),
      logDestination: logs.destination,
    });
  });

  afterAll(async () => {
    await services?.stop();
    await events.close();
    await dead.close();
    await redis.quit();
    await receiver.close();
    await dovecot.stop();
    await deleteKeys(testRedisUrl(), prefix);
  });

  it('lands in dispatch.dead with the receiver’s reason and the payload, after one attempt', async () => {
    const parked = new Promise<string>((resolve) => events.once('waiting', ({ jobId }) => resolve(jobId)));

    const appended = await dovecot.append('bob', loadFixture('05-recadrage-dropbox-folders-scl-fo.eml'));
    const jobId = await parked;

    const id = messageKey({ mailbox: 'INBOX', uidValidity: String(appended.uidValidity), uid: appended.uid });
    expect(jobId).toBe(id);
    const letter = deadLetterSchema.parse((await dead.getJob(jobId))?.data);
    expect(letter).toMatchObject({ queue: 'dispatch', jobId: id, code: 'dispatch.rejected', reason: 'HTTP 422: Lot inconnu', attemptsMade: 1 });
    expect(letter.data).toMatchObject({ emailId: expect.stringMatching(/^[0-9a-f]{32}$/), payload: { detector: 'recadrage', delivery_time: '09h05' } });
    expect(receiver.requests).toHaveLength(1);
    expect(logs.parsed().some((l) => l.code === 'job.dead_lettered' && l.queue === 'dispatch')).toBe(true);
  });
});

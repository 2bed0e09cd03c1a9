import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUES, deadLetterSchema, messageKey } from '@render-signal/contracts';
import { loadFixture } from '@render-signal/testing';
import { Queue, QueueEvents } from 'bullmq';
import { startPipeline, type Pipeline } from './support.js';

describe('a webhook the receiver refuses', () => {
  let p: Pipeline;
  let dead: Queue;
  let events: QueueEvents;

  beforeAll(async () => {
    p = await startPipeline({ receiver: { respond: () => ({ status: 422, body: { success: false, message: 'Lot inconnu' } }) } });
    dead = new Queue(QUEUES.dispatch.deadLetterName, { connection: p.redis, prefix: p.prefix });
    events = new QueueEvents(QUEUES.dispatch.deadLetterName, { connection: p.redis, prefix: p.prefix });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events?.close();
    await dead?.close();
    await p?.stop();
  });

  it('lands in dispatch.dead with the receiver’s reason and the payload, after one attempt', async () => {
    const parked = new Promise<string>((resolve) => events.once('waiting', ({ jobId }) => resolve(jobId)));
    const appended = await p.deliver(loadFixture('05-recadrage-dropbox-folders-scl-fo.eml'));
    const jobId = await parked;

    const id = messageKey({ mailbox: 'INBOX', uidValidity: String(appended.uidValidity), uid: appended.uid });
    expect(jobId).toBe(id);
    const letter = deadLetterSchema.parse((await dead.getJob(jobId))?.data);
    expect(letter).toMatchObject({ queue: 'dispatch', jobId: id, code: 'dispatch.rejected', reason: 'HTTP 422: Lot inconnu', attemptsMade: 1 });
    expect(letter.data).toMatchObject({ emailId: expect.stringMatching(/^[0-9a-f]{32}$/), payload: { detector: 'recadrage', delivery_time: '09h05' } });
    expect(p.receiver.requests).toHaveLength(1);
    expect(p.logs.parsed().some((l) => l.code === 'job.dead_lettered' && l.queue === 'dispatch')).toBe(true);
  });
});

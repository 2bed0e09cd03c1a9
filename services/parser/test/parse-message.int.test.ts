import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { QUEUES, type DispatchJob, type ParseJob } from '@render-signal/contracts';
import { loadConfig } from '@render-signal/config';
import { createLogger } from '@render-signal/logger';
import { createFlowEnqueuer, createProducer, type FlowEnqueuer, type Producer } from '@render-signal/queue';
import { deleteKeys, loadFixture, testRedisUrl, uniquePrefix } from '@render-signal/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { dispatchAfterOffload, dispatchExists } from '../src/hand-off.js';
import { parseMessage, type ParserDeps } from '../src/processor.js';

const config = loadConfig({ WEBHOOKS_TIME_START: '09h00', WEBHOOKS_TIME_END: '19h00' });
const log = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });

describe('parseMessage with real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let dispatch: Producer<typeof QUEUES.dispatch>;
  let flows: FlowEnqueuer;
  let offload: Queue;
  let deps: ParserDeps;

  beforeEach(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
    prefix = uniquePrefix('parse');
    dispatch = createProducer(QUEUES.dispatch, redis, prefix);
    flows = createFlowEnqueuer(redis, prefix);
    offload = new Queue(QUEUES.offload.name, { connection: redis, prefix });
    deps = {
      redis,
      prefix,
      log,
      clock: () => new Date('2026-01-13T09:15:00Z'),
      rules: config.rules,
      dedupe: { enabled: true, ttlSeconds: 600 },
      enqueueDispatch: (job) => dispatch.add(job),
      enqueueDispatchAfterOffload: dispatchAfterOffload(flows, dispatch, () => 3),
      handedOn: (ref) => dispatchExists(dispatch, ref),
    };
  });
  afterEach(async () => {
    await Promise.all([dispatch.queue.close(), flows.producer.close(), offload.close()]);
    await redis.quit();
    await deleteKeys(testRedisUrl(), prefix);
  });

  async function park(fixture: string, uid: number): Promise<ParseJob> {
    const rawKey = `${prefix}:raw:${uid}`;
    await redis.set(rawKey, loadFixture(fixture), 'EX', 600);
    return { ref: { mailbox: 'INBOX', uidValidity: '7', uid }, rawKey, size: 1 };
  }

  it('makes the dispatch job the parent of one offload job per link, and deletes the raw message', async () => {
    const job = await park('05-recadrage-dropbox-folders-scl-fo.eml', 1);
    expect(await parseMessage(job, 'INBOX.7.1', deps)).toMatchObject({ action: 'send', next: 'offload' });

    expect(await dispatch.queue.getJobState('INBOX.7.1')).toBe('waiting-children');
    const children = await offload.getJobs(['waiting']);
    expect(children.map((c) => c.id).sort()).toEqual(['INBOX.7.1.link0', 'INBOX.7.1.link1', 'INBOX.7.1.link2']);
    const first = children.find((c) => c.id === 'INBOX.7.1.link0')!;
    expect(first.opts.ignoreDependencyOnFailure).toBe(true);
    expect(first.data.link).toEqual((await dispatch.queue.getJob('INBOX.7.1'))?.data.payload.delivery_links[0]);
    expect((await dispatch.queue.getJob('INBOX.7.1'))?.opts.attempts).toBe(3);
    expect(await redis.exists(job.rawKey!)).toBe(0);
  });

  it('outside the window skips a message, or holds it until the window opens with the payload of that moment', async () => {
    // Profile F's clock: 20:30 in Paris, after the 09h00–19h00 window.
    const evening = { ...deps, clock: () => new Date('2026-01-13T19:30:00Z') };
    const skipped = await park('01-recadrage-dropbox-11h51.eml', 5);
    expect(await parseMessage(skipped, 'INBOX.7.5', evening)).toMatchObject({ action: 'skip', reason: 'outside_window' });

    const held = await park('02-recadrage-date-3-9-2025.eml', 6);
    expect(await parseMessage(held, 'INBOX.7.6', { ...evening, holdOutsideWindow: true })).toMatchObject({ action: 'send', next: 'offload' });
    const job = await dispatch.queue.getJob('INBOX.7.6');
    // 09:00 the next morning in Paris, and the payload says what it would say then.
    expect(job?.data.notBefore).toBe('2026-01-14T08:00:00.000Z');
    expect(job?.data.payload).toMatchObject({ webhooks_time_start: 'maintenant', webhooks_time_end: '19h00', detector: 'recadrage' });
  });

  it('hands a message on once per Message-ID, whatever its mailbox position', async () => {
    const first = await park('01-recadrage-dropbox-11h51.eml', 1);
    const copy = await park('01-recadrage-dropbox-11h51.eml', 2);
    expect(await parseMessage(first, 'INBOX.7.1', deps)).toMatchObject({ action: 'send' });
    expect(await parseMessage(copy, 'INBOX.7.2', deps)).toMatchObject({ action: 'skip', reason: 'duplicate_message' });
    expect(await dispatch.queue.getJobCounts('waiting-children', 'waiting')).toEqual({ 'waiting-children': 1, waiting: 0 });
    expect(await redis.exists(copy.rawKey!)).toBe(0);
  });

  it('lets a retried job through its own claim without adding its flow twice', async () => {
    const job = await park('01-recadrage-dropbox-11h51.eml', 3);
    await parseMessage(job, 'INBOX.7.3', deps);
    const again = await park('01-recadrage-dropbox-11h51.eml', 3);
    expect(await parseMessage(again, 'INBOX.7.3', deps)).toMatchObject({ action: 'send' });
    expect(await offload.getJobCountByTypes('waiting')).toBe(1);
  });

  it('gives the claim back when the hand-off fails, so a retry can send it', async () => {
    const job = await park('03-recadrage-urgence.eml', 4);
    const failing = { ...deps, enqueueDispatchAfterOffload: async () => Promise.reject(new Error('redis gone')) };
    await expect(parseMessage(job, 'INBOX.7.4', failing)).rejects.toThrow('redis gone');
    const retry = await park('03-recadrage-urgence.eml', 4);
    expect(await parseMessage(retry, 'INBOX.7.4b', deps)).toMatchObject({ action: 'send' });
  });

  it('sends an email without links straight to dispatch when ALLOW_CUSTOM_WEBHOOK_WITHOUT_LINKS is on', async () => {
    const rawKey = `${prefix}:raw:5`;
    const raw = [
      'From: Planning <planning@studio-lumiere.example.com>',
      'Subject: Point de la semaine',
      'Date: Tue, 13 Jan 2026 09:00:00 +0100',
      'Message-ID: <no-link-5@studio-lumiere.example.com>',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Rien a telecharger cette semaine.',
      '',
    ].join('\r\n');
    await redis.set(rawKey, raw, 'EX', 600);
    const job: ParseJob = { ref: { mailbox: 'INBOX', uidValidity: '7', uid: 5 }, rawKey, size: raw.length };
    const allow = { ...deps, rules: { ...deps.rules, allowWithoutLinks: true } };

    expect(await parseMessage(job, 'INBOX.7.5', allow)).toMatchObject({ action: 'send', next: 'dispatch' });
    const dispatched: DispatchJob | undefined = (await dispatch.queue.getJob('INBOX.7.5'))?.data;
    expect(await dispatch.queue.getJobState('INBOX.7.5')).toBe('waiting');
    expect(dispatched?.payload.delivery_links).toBeUndefined();
    expect(await offload.getJobCountByTypes('waiting')).toBe(0);
  });

  it('completes quietly when an earlier run already handed the message on and deleted it', async () => {
    const job = await park('02-recadrage-date-3-9-2025.eml', 8);
    await parseMessage(job, 'INBOX.7.8', deps);
    expect(await redis.exists(job.rawKey!)).toBe(0);
    expect(await parseMessage(job, 'INBOX.7.8', deps)).toEqual({ action: 'skip', emailId: '', reason: 'already_handed_on' });
  });

  it('dead-letters what cannot be parsed with a clear reason', async () => {
    await expect(parseMessage({ ref: { mailbox: 'INBOX', uidValidity: '7', uid: 6 }, size: 99_000_000 }, 'x', deps)).rejects.toMatchObject({
      code: 'parse.message_too_large',
      name: 'PermanentError',
    });
    await expect(parseMessage({ ref: { mailbox: 'INBOX', uidValidity: '7', uid: 7 }, rawKey: `${prefix}:raw:gone`, size: 1 }, 'y', deps)).rejects.toMatchObject({
      code: 'parse.raw_missing',
    });
  });
});

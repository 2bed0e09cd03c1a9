import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { QUEUES, type DispatchJob } from '@render-signal/contracts';
import { createFlowEnqueuer, runServices, type RunningServices } from '@render-signal/queue';
import { deleteKeys, freePorts, startWebhookReceiver, testRedisUrl, uniquePrefix, type ReceivedRequest, type WebhookResponse } from '@render-signal/testing';
import { webhookDispatcher } from '@render-signal/webhook-dispatcher';
import { Redis } from 'ioredis';
import { createLinksLog } from '../src/links-log.js';
import { createR2Offloader } from '../src/service.js';

const TOKEN = 'offload-test-token';
const DEADLINE_SECONDS = 3;
const LINKS = [
  { provider: 'dropbox', raw_url: 'https://www.dropbox.com/scl/fo/abc/def?rlkey=&dl=0' },
  { provider: 'swisstransfer', raw_url: 'https://www.swisstransfer.com/d/0b7e2c94-51af-4f3e-9c2d-7a8e6b4f1d05' },
] as const;

function dispatchJob(links: DispatchJob['payload']['delivery_links']): DispatchJob {
  return {
    ref: { mailbox: 'INBOX', uidValidity: '7', uid: 1 },
    emailId: 'fd4b3273456b8e9b0bb6fb2427a8d887',
    payload: {
      microsoft_graph_email_id: 'fd4b3273456b8e9b0bb6fb2427a8d887',
      subject: 'Lot 4127',
      receivedDateTime: 'Tue, 13 Jan 2026 09:58:12 +0100',
      sender_address: 'planning@studio.example.com',
      bodyPreview: 'Bonjour',
      email_content: 'Bonjour',
      sender_email: 'planning@studio.example.com',
      delivery_links: links,
    },
  };
}

/** The two stages in this process, a recording receiver and a stand-in for the Worker. */
async function startStages(options: { worker?: (req: ReceivedRequest) => WebhookResponse | Promise<WebhookResponse>; endpoint?: string; resolve?: (host: string) => Promise<string[]>; env?: NodeJS.ProcessEnv }) {
  const prefix = uniquePrefix('offload');
  const receiver = await startWebhookReceiver();
  const worker = options.worker ? await startWebhookReceiver({ respond: options.worker }) : undefined;
  const services = await runServices(
    [createR2Offloader({ resolveHost: options.resolve ?? (async () => ['162.125.1.18']) }), webhookDispatcher],
    {
      env: {
        NODE_ENV: 'test',
        REDIS_URL: testRedisUrl(),
        REDIS_PREFIX: prefix,
        WEBHOOK_URL: receiver.url,
        R2_FETCH_ENABLED: 'true',
        R2_FETCH_ENDPOINT: options.endpoint ?? worker?.url ?? '',
        R2_FETCH_TOKEN: TOKEN,
        R2_BUCKET_NAME: 'test-bucket',
        R2_FETCH_TIMEOUT_SECONDS: '1',
        R2_FETCH_FOLDER_TIMEOUT_SECONDS: '1',
        R2_OFFLOAD_DEADLINE_SECONDS: String(DEADLINE_SECONDS),
        RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: 'true',
        METRICS_PORT: '0',
        LOG_LEVEL: 'fatal',
        ...options.env,
      },
    },
  );
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const flows = createFlowEnqueuer(redis, prefix);
  return {
    prefix,
    receiver,
    worker,
    services,
    redis,
    /** Hands one email's links on as the parser does: the dispatch job waits for one offload job per link. */
    async handOn(links = LINKS as unknown as DispatchJob['payload']['delivery_links']) {
      const job = dispatchJob(links);
      await flows.add(
        { contract: QUEUES.dispatch, data: job },
        (links ?? []).map((link, index) => ({ contract: QUEUES.offload, data: { ref: job.ref, emailId: job.emailId, index, link }, options: { ignoreDependencyOnFailure: true } })),
      );
      return Date.now();
    },
    async offloadCount(outcome: string): Promise<number> {
      const metric = await services.context.metrics.registry.getSingleMetric('render_signal_offload_links_total')?.get();
      return (metric?.values ?? []).filter((v) => v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0);
    },
    async stop() {
      await services.stop();
      await flows.producer.close();
      await redis.quit();
      await receiver.close();
      await worker?.close();
      await deleteKeys(testRedisUrl(), prefix);
    },
  };
}

type Stages = Awaited<ReturnType<typeof startStages>>;

describe('offload stage between the parser and the dispatcher', () => {
  let stages: Stages | undefined;
  afterEach(async () => {
    await stages?.stop();
    stages = undefined;
  });

  const fallbackLinks = LINKS.map((l) => ({ ...l, direct_url: l.raw_url }));

  it('copies each link through the Worker with a signed request and records the pair', async () => {
    stages = await startStages({
      worker: (req) => {
        const body = req.json as { object_key: string; provider: string };
        return { status: 200, body: { success: true, r2_url: `https://media.example.net/${body.object_key}`, object_key: body.object_key, original_filename: ` ${body.provider}-fixture.zip `, size: 42 } };
      },
    });
    await stages.handOn();
    const [webhook] = await stages.receiver.waitForRequests(1, 10_000);
    expect((webhook!.json as DispatchJob['payload']).delivery_links).toEqual([
      { ...fallbackLinks[0], r2_url: 'https://media.example.net/dropbox/38b24fda/910adbeb/file', original_filename: 'dropbox-fixture.zip' },
      {
        ...fallbackLinks[1],
        r2_url: 'https://media.example.net/swisstransfer/df81c65d/7f1291f9/file',
        original_filename: 'swisstransfer-fixture.zip',
      },
    ]);

    const calls = stages.worker!.requests;
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      const timestamp = call.headers['x-r2-timestamp'] as string;
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
      expect(call.headers['x-r2-signature']).toBe(`v1=${createHmac('sha256', TOKEN).update(`${timestamp}.${call.body}`).digest('hex')}`);
      expect(call.headers['x-r2-fetch-token']).toBeUndefined();
    }
    // The request body of the original (§10.1): normalised source, object key (the reference's
    // vectors: Appendix A), bucket, provider, email id.
    expect(calls.map((c) => c.json)).toEqual(
      expect.arrayContaining([
        {
          source_url: 'https://www.dropbox.com/scl/fo/abc/def?dl=1&rlkey=',
          object_key: 'dropbox/38b24fda/910adbeb/file',
          bucket: 'test-bucket',
          provider: 'dropbox',
          email_id: 'fd4b3273456b8e9b0bb6fb2427a8d887',
        },
      ]),
    );

    const pairs = await createLinksLog(stages.redis, stages.prefix, 10, Date.now).recent();
    expect(pairs.map((p) => p.r2Url).sort()).toEqual(['https://media.example.net/dropbox/38b24fda/910adbeb/file', 'https://media.example.net/swisstransfer/df81c65d/7f1291f9/file']);
    // The share key (`rlkey`) stays out of the list; the hash still identifies the source.
    expect(JSON.stringify(pairs)).not.toContain('rlkey');
    expect(await stages.offloadCount('copied')).toBe(2);
  });

  const failing: [string, () => Parameters<typeof startStages>[0] | Promise<Parameters<typeof startStages>[0]>][] = [
    ['answers 500', () => ({ worker: () => ({ status: 500, body: { success: false, code: 'internal', error: 'boom' } }) })],
    ['never answers (timeout)', () => ({ worker: () => new Promise<WebhookResponse>(() => undefined) })],
    ['is unreachable', async () => ({ endpoint: `http://127.0.0.1:${(await freePorts(1))[0]}/fetch` })],
  ];

  it.each(failing)('sends the webhook with the source URLs within the deadline when the Worker %s', async (_name, setup) => {
    stages = await startStages(await setup());
    const handedOn = await stages.handOn();
    const [webhook] = await stages.receiver.waitForRequests(1, (DEADLINE_SECONDS + 5) * 1000);
    expect((webhook!.json as DispatchJob['payload']).delivery_links).toEqual(fallbackLinks);
    // The deadline bounds the wait (plus one Worker timeout and queue latency).
    expect(webhook!.receivedAt - handedOn).toBeLessThan((DEADLINE_SECONDS + 2) * 1000);
    expect(await stages.offloadCount('failed')).toBe(2);
    // Retried at least once before giving up: the failure was worth retrying.
    expect(await stages.offloadCount('retry')).toBeGreaterThanOrEqual(2);
  });

  it('does not retry an answer that will not change (403) and does not call the Worker for refused links', async () => {
    stages = await startStages({
      worker: () => ({ status: 403, body: { success: false, code: 'source_refused', error: 'host not allowed' } }),
      resolve: async (host) => (host === 'fromsmash.com' ? ['10.1.2.3'] : ['162.125.1.18']),
    });
    await stages.handOn([
      { provider: 'dropbox', raw_url: 'https://www.dropbox.com/s/x/a.zip' },
      { provider: 'dropbox', raw_url: 'https://dropbox.com.evil.example/x' },
      { provider: 'fromsmash', raw_url: 'https://fromsmash.com/resolves-private' },
    ]);
    const [webhook] = await stages.receiver.waitForRequests(1, 10_000);
    const links = (webhook!.json as DispatchJob['payload']).delivery_links ?? [];
    expect(links.every((l) => l.r2_url === undefined && l.direct_url === l.raw_url)).toBe(true);
    expect(stages.worker!.requests).toHaveLength(1);
    expect(await stages.offloadCount('refused')).toBe(2);
    expect(await stages.offloadCount('failed')).toBe(1);
    expect(await stages.offloadCount('retry')).toBe(0);
  });

  it('passes links through unchanged when R2 is off', async () => {
    stages = await startStages({ worker: () => ({ status: 500 }), env: { R2_FETCH_ENABLED: 'false' } });
    await stages.handOn();
    const [webhook] = await stages.receiver.waitForRequests(1, 10_000);
    expect((webhook!.json as DispatchJob['payload']).delivery_links).toEqual(LINKS);
    expect(stages.worker!.requests).toHaveLength(0);
    expect(await stages.offloadCount('disabled')).toBe(2);
  });
});

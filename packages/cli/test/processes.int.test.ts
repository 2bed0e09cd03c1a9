import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUES, messageKey } from '@render-signal/contracts';
import {
  DASHBOARD_TEST_ENV,
  deleteKeys,
  loadFixture,
  startDovecot,
  startWebhookReceiver,
  spawnNodeProcess,
  testRedisUrl,
  uniquePrefix,
  type DovecotServer,
} from '@render-signal/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

// These tests run the built entry points as real processes (the test command builds first).
const root = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = `${root}packages/cli/dist/main.js`;

describe('process entry points', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('refuses a bad configuration with exit code 78 and lists every bad variable', async () => {
    const proc = spawnNodeProcess(CLI, ['start'], { WEBHOOK_URL: 'http://hooks.example.org/in', IMAP_PORT: 'imap', LOG_LEVEL: 'chatty' });
    expect(await proc.exited).toBe(78);
    const text = proc.stderr.join('\n');
    for (const name of ['EMAIL_ADDRESS', 'EMAIL_PASSWORD', 'IMAP_SERVER', 'IMAP_PORT', 'WEBHOOK_URL', 'LOG_LEVEL']) {
      expect(text).toMatch(new RegExp(`^  - ${name}\\b`, 'm'));
    }
    expect(text).toMatch(/^Invalid configuration:/);
  });

  it('starts one service alone from services/<name>, serves its health endpoint, and stops cleanly on SIGTERM', async () => {
    const prefix = uniquePrefix('alone');
    const proc = spawnNodeProcess(`${root}services/parser/dist/main.js`, [], { REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, METRICS_PORT: '0' });
    const listening = await proc.waitForLine((l) => l.code === 'http.listening');
    await proc.waitForLine((l) => l.code === 'service.started');
    expect(listening.service).toBe('parser');
    const health = await fetch(`http://127.0.0.1:${listening.port as number}/healthz`);
    expect(health.status).toBe(200);

    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    expect(proc.lines.find((l) => l.code === 'service.stopped')).toMatchObject({ clean: true });
    await deleteKeys(testRedisUrl(), prefix);
  });

  describe('all services in one process', () => {
    let dovecot: DovecotServer;
    beforeAll(async () => {
      dovecot = await startDovecot({ users: { erin: 'erinpw' } });
    });
    afterAll(async () => {
      await dovecot.stop();
    });

    it('finishes the webhook in flight when SIGTERM arrives, then exits 0', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const receiver = await startWebhookReceiver({
        respond: async () => {
          await held;
          return { status: 200, body: { success: true } };
        },
      });
      const prefix = uniquePrefix('drain');
      const proc = spawnNodeProcess(CLI, ['start'], {
        REDIS_URL: testRedisUrl(),
        REDIS_PREFIX: prefix,
        ...dovecot.mailboxEnv('erin'),
        EMAIL_POLLING_INTERVAL_SECONDS: '1',
        WEBHOOK_URL: receiver.url,
        RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: 'true',
        PORT: '0',
        METRICS_PORT: '0',
        ...DASHBOARD_TEST_ENV,
      });
      try {
        await proc.waitForLine((l) => l.code === 'service.started');
        const appended = await dovecot.append('erin', loadFixture('02-recadrage-date-3-9-2025.eml'));
        await receiver.waitForRequests(1, 20_000);

        proc.child.kill('SIGTERM');
        await proc.waitForLine((l) => l.code === 'service.stopping');
        release();
        expect(await proc.exited).toBe(0);

        const dispatch = new Queue(QUEUES.dispatch.name, { connection: redis, prefix });
        const id = messageKey({ mailbox: 'INBOX', uidValidity: String(appended.uidValidity), uid: appended.uid });
        expect(await dispatch.getJobState(id)).toBe('completed');
        await dispatch.close();
        expect(receiver.requests).toHaveLength(1);
        expect(proc.lines.find((l) => l.code === 'service.stopped')).toMatchObject({ clean: true });
      } finally {
        release();
        proc.child.kill('SIGKILL');
        await receiver.close();
        await deleteKeys(testRedisUrl(), prefix);
      }
    });
  });
});

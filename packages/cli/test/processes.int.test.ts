import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUES, messageKey } from '@render-signal/contracts';
import {
  deleteKeys,
  loadFixture,
  startDovecot,
  startWebhookReceiver,
  testRedisUrl,
  uniquePrefix,
  type DovecotServer,
} from '@render-signal/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

// These tests run the built entry points as real processes (the test command builds first).
const root = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = `${root}packages/cli/dist/main.js`;

interface Proc {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: string[];
  /** Resolves with the first log line matching, as soon as it is written. */
  waitForLine(match: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function run(args: string[], env: NodeJS.ProcessEnv): Proc {
  if (!existsSync(args[0]!)) throw new Error(`${args[0]} is missing: run \`pnpm build\` first`);
  const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  const waiters: { match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const w of waiters.filter((w) => w.match(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  createInterface({ input: child.stderr! }).on('line', (text) => stderr.push(text));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    lines,
    stderr,
    exited,
    waitForLine: (match) => {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        void exited.then((code) => reject(new Error(`process exited (${code}) first; stderr: ${stderr.join('\n')}`)));
      });
    },
  };
}

describe('process entry points', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('refuses a bad configuration with exit code 78 and lists every bad variable', async () => {
    const proc = run([CLI, 'start'], { WEBHOOK_URL: 'http://hooks.example.org/in', IMAP_PORT: 'imap', LOG_LEVEL: 'chatty' });
    expect(await proc.exited).toBe(78);
    const text = proc.stderr.join('\n');
    for (const name of ['EMAIL_ADDRESS', 'EMAIL_PASSWORD', 'IMAP_SERVER', 'IMAP_PORT', 'WEBHOOK_URL', 'LOG_LEVEL']) {
      expect(text).toMatch(new RegExp(`^  - ${name}\\b`, 'm'));
    }
    expect(text).toMatch(/^Invalid configuration:/);
  });

  it('starts one service alone from services/<name>, serves its health endpoint, and stops cleanly on SIGTERM', async () => {
    const prefix = uniquePrefix('alone');
    const proc = run([`${root}services/parser/dist/main.js`], { REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, METRICS_PORT: '0' });
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
      const proc = run([CLI, 'start'], {
        REDIS_URL: testRedisUrl(),
        REDIS_PREFIX: prefix,
        EMAIL_ADDRESS: 'erin',
        EMAIL_PASSWORD: 'erinpw',
        IMAP_SERVER: dovecot.host,
        IMAP_PORT: String(dovecot.port),
        IMAP_TLS_CA_FILE: dovecot.caFile,
        EMAIL_POLLING_INTERVAL_SECONDS: '1',
        WEBHOOK_URL: receiver.url,
        RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: 'true',
        PORT: '0',
        METRICS_PORT: '0',
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

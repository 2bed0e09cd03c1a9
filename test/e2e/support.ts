import { Writable } from 'node:stream';
import { ALL_SERVICES } from '@render-signal/cli';
import { runServices, type RunningServices, type ServiceDefinition } from '@render-signal/queue';
import {
  DASHBOARD_TEST_ENV,
  deleteKeys,
  startDovecot,
  startWebhookReceiver,
  testRedisUrl,
  uniquePrefix,
  type DovecotServer,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from '@render-signal/testing';
import { Redis } from 'ioredis';

export const PROFILE_A_SENDERS = [
  'planning@studio-lumiere.example.com',
  'b.vasseur@studio-lumiere.example.com',
  'o.ribaudier@studio-lumiere.example.com',
  'communication@studio-lumiere.example.com',
].join(',');

/** Profile A's clock: Tue 2026-01-13 10:15 in Paris, inside the 09h00–19h00 window. */
export const PROFILE_A_NOW = new Date('2026-01-13T09:15:00Z');

/** Every JSON log line written by the services, as raw text and parsed; emits 'logged' per write. */
export function logCapture() {
  const raw: string[] = [];
  const destination: Writable = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
      // Lets a test wait for the next log line instead of sleeping.
      destination.emit('logged');
    },
  });
  const parsed = () => raw.map((l) => JSON.parse(l) as Record<string, unknown>);
  /** Resolves with the first line (already written or to come) that matches. */
  const waitFor = async (match: (line: Record<string, unknown>) => boolean, timeoutMs = 20_000): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = parsed().find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error('no matching log line in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()) + 1);
        destination.once('logged', () => (clearTimeout(timer), resolve()));
      });
    }
  };
  return { raw, destination, parsed, waitFor };
}

export interface Pipeline {
  dovecot: DovecotServer;
  receiver: WebhookReceiver;
  /** A client of the test Redis, for assertions on queues and keys. */
  redis: Redis;
  prefix: string;
  services: RunningServices;
  logs: ReturnType<typeof logCapture>;
  /** Appends a raw message to the watched mailbox. */
  deliver(raw: Buffer): ReturnType<DovecotServer['append']>;
  stop(): Promise<void>;
}

/**
 * The whole system in this process against a private Dovecot, a recording receiver and the test
 * Redis (own key prefix), with profile A of the fixtures and its fixed clock.
 */
export async function startPipeline(
  options: {
    receiver?: WebhookReceiverOptions;
    env?: NodeJS.ProcessEnv;
    services?: readonly ServiceDefinition[];
    /** Another Redis than the run's shared one (e.g. one the test restarts). */
    redisUrl?: string;
  } = {},
): Promise<Pipeline> {
  const user = 'alice';
  const prefix = uniquePrefix('e2e');
  const logs = logCapture();
  const dovecot = await startDovecot({ users: { [user]: 'alicepw' } });
  const receiver = await startWebhookReceiver(options.receiver);
  const redisUrl = options.redisUrl ?? testRedisUrl();
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    ...dovecot.mailboxEnv(user),
    EMAIL_POLLING_INTERVAL_SECONDS: '1',
    WEBHOOK_URL: receiver.url,
    RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: 'true',
    SENDER_OF_INTEREST_FOR_POLLING: PROFILE_A_SENDERS,
    POLLING_TIMEZONE: 'Europe/Paris',
    WEBHOOKS_TIME_START: '09h00',
    WEBHOOKS_TIME_END: '19h00',
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'debug',
    ...DASHBOARD_TEST_ENV,
    ...options.env,
  };
  const services = await runServices(options.services ?? ALL_SERVICES, { env, clock: () => PROFILE_A_NOW, logDestination: logs.destination });
  return {
    dovecot,
    receiver,
    redis,
    prefix,
    services,
    logs,
    deliver: (raw) => dovecot.append(user, raw),
    async stop() {
      await services.stop();
      await redis.quit();
      await receiver.close();
      await dovecot.stop();
      await deleteKeys(redisUrl, prefix);
    },
  };
}

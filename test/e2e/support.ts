import { Writable } from 'node:stream';
import type { DovecotServer, WebhookReceiver } from '@render-signal/testing';

export const PROFILE_A_SENDERS = [
  'planning@studio-lumiere.example.com',
  'b.vasseur@studio-lumiere.example.com',
  'o.ribaudier@studio-lumiere.example.com',
  'communication@studio-lumiere.example.com',
].join(',');

/** Profile A of the fixtures (window 09h00–19h00, allowlist applied) against local test servers. */
export function pipelineEnv(opts: { redisUrl: string; prefix: string; dovecot: DovecotServer; user: string; receiver: WebhookReceiver }) {
  return {
    NODE_ENV: 'test',
    REDIS_URL: opts.redisUrl,
    REDIS_PREFIX: opts.prefix,
    EMAIL_ADDRESS: opts.user,
    EMAIL_PASSWORD: opts.dovecot.users[opts.user],
    IMAP_SERVER: opts.dovecot.host,
    IMAP_PORT: String(opts.dovecot.port),
    IMAP_TLS_CA_FILE: opts.dovecot.caFile,
    EMAIL_POLLING_INTERVAL_SECONDS: '1',
    WEBHOOK_URL: opts.receiver.url,
    RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: 'true',
    SENDER_OF_INTEREST_FOR_POLLING: PROFILE_A_SENDERS,
    POLLING_TIMEZONE: 'Europe/Paris',
    WEBHOOKS_TIME_START: '09h00',
    WEBHOOKS_TIME_END: '19h00',
    PORT: '0',
    METRICS_PORT: '0',
    LOG_LEVEL: 'debug',
  } satisfies NodeJS.ProcessEnv;
}

/** Every JSON log line written by the services, as raw text and parsed. */
export function logCapture() {
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      raw.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { raw, destination, parsed: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

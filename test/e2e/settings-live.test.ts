import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { QUEUES } from '@render-signal/contracts';
import { createSettingsStore, settingsDefaultsFromConfig, type SettingsStore } from '@render-signal/settings';
import { loadFixture, startWebhookReceiver } from '@render-signal/testing';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { PROFILE_A_SENDERS, startPipeline, type Pipeline } from './support.js';

/** The environment's signing secret: the only one the dispatcher uses. */
const SECRET = `whsec_${Buffer.from('the-environment-secret-32-bytes!').toString('base64')}`;

describe('settings changed at run time (as the dashboard does) apply without a restart', () => {
  let p: Pipeline;
  let store: SettingsStore;
  let fetchEvents: QueueEvents;
  let eventsConnection: Redis;

  beforeAll(async () => {
    p = await startPipeline({ env: { WEBHOOK_SECRET: SECRET } });
    store = createSettingsStore({ redis: p.redis, prefix: p.prefix, defaults: settingsDefaultsFromConfig(p.services.config), allowLocalTargets: true });
    eventsConnection = p.redis.duplicate();
    fetchEvents = new QueueEvents(QUEUES.fetch.name, { connection: eventsConnection, prefix: p.prefix });
    await fetchEvents.waitUntilReady();
  });
  afterAll(async () => {
    await fetchEvents?.close();
    await eventsConnection?.quit();
    await p?.stop();
  });

  /** Resolves once `n` more scheduled fetch ticks have finished. */
  const ticks = (n: number) =>
    new Promise<void>((resolve) => {
      let seen = 0;
      const onCompleted = () => {
        seen += 1;
        if (seen >= n) {
          fetchEvents.off('completed', onCompleted);
          resolve();
        }
      };
      fetchEvents.on('completed', onCompleted);
    });

  it('pauses fetching, then resumes it; a sender removed from the allowlist is skipped', async () => {
    const paused = await store.update({ patch: { killSwitches: { fetchPaused: true } }, expectedVersion: 0, updatedBy: 'ops@example.com' });
    expect(paused.status).toBe('updated');
    await p.logs.waitFor((l) => l.code === 'fetch.inactive' && l.reason === 'paused');

    await p.deliver(loadFixture('01-recadrage-dropbox-11h51.eml'));
    // Two whole ticks after the mail arrived, the IDLE push included: nothing may have left.
    await ticks(2);
    expect(p.receiver.requests).toHaveLength(0);

    const resumed = await store.update({ patch: { killSwitches: { fetchPaused: false } }, expectedVersion: 1, updatedBy: 'ops@example.com' });
    expect(resumed.status).toBe('updated');
    await p.receiver.waitForRequests(1, 20_000);

    const narrowed = await store.update({ patch: { senderAllowlist: ['someone@else.example'] }, expectedVersion: 2, updatedBy: 'ops@example.com' });
    expect(narrowed.status).toBe('updated');
    await p.logs.waitFor((l) => l.code === 'settings.changed');
    await p.deliver(loadFixture('02-recadrage-date-3-9-2025.eml'));
    await p.logs.waitFor((l) => l.code === 'parse.skipped' && l.reason === 'sender_not_allowlisted');
    expect(p.receiver.requests).toHaveLength(1);
  });

  it('applies the original runtime flag "send without links" from the settings', async () => {
    const sender = PROFILE_A_SENDERS.split(',')[0]!;
    const noLinks = (n: number) =>
      Buffer.from(
        [`From: Planning <${sender}>`, 'To: inbox@example.org', `Subject: Point planning ${n}`, `Message-ID: <no-links.${n}@studio.example>`, 'Date: Tue, 13 Jan 2026 10:05:00 +0100', 'Content-Type: text/plain; charset=utf-8', '', 'Rien à livrer aujourd\'hui.', ''].join('\r\n'),
      );
    const before = p.receiver.requests.length;
    const current = await store.read();
    const reset = await store.update({ patch: { senderAllowlist: [sender] }, expectedVersion: current.version, updatedBy: 'ops@example.com' });
    expect(reset.status).toBe('updated');
    await p.logs.waitFor((l) => l.code === 'settings.changed' && l.version === current.version + 1);
    await p.deliver(noLinks(1));
    await p.logs.waitFor((l) => l.code === 'parse.skipped' && l.reason === 'no_delivery_links');

    const allowed = await store.update({ patch: { processing: { sendWithoutLinks: true } }, expectedVersion: current.version + 1, updatedBy: 'ops@example.com' });
    expect(allowed.status).toBe('updated');
    await p.logs.waitFor((l) => l.code === 'settings.changed' && l.version === current.version + 2);
    await p.deliver(noLinks(2));
    const requests = await p.receiver.waitForRequests(before + 1, 20_000);
    expect((requests[before]!.json as { subject: string }).subject).toBe('Point planning 2');
  });

  it('applies a delivery rate limit changed from the settings to the running dispatcher', async () => {
    const current = await store.read();
    const limited = await store.update({ patch: { webhook: { rateLimit: { max: 1, windowSeconds: 60 } } }, expectedVersion: current.version, updatedBy: 'ops@example.com' });
    expect(limited.status).toBe('updated');
    expect(await p.logs.waitFor((l) => l.code === 'dispatch.rate_limit_changed')).toMatchObject({ max: 1, windowSeconds: 60 });
    const lifted = await store.update({ patch: { webhook: { rateLimit: { max: 0 } } }, expectedVersion: current.version + 1, updatedBy: 'ops@example.com' });
    expect(lifted.status).toBe('updated');
    expect(await p.logs.waitFor((l) => l.code === 'dispatch.rate_limit_changed' && l['max'] === 0)).toMatchObject({ windowSeconds: null });
  });

  it('sends to a webhook URL changed at run time, signed with the secret of the environment, which no settings write can change', async () => {
    const other = await startWebhookReceiver();
    try {
      const stolen = `whsec_${Buffer.from('another-secret-of-32-bytes-long!').toString('base64')}`;
      const current = await store.read();
      // A secret is not a setting: the write is refused whole, nothing changes.
      const refused = await store.update({ patch: { webhook: { url: other.url, secret: stolen } }, expectedVersion: current.version, updatedBy: 'ops@example.com' });
      expect(refused).toMatchObject({ status: 'invalid', errors: [{ path: 'webhook.secret' }] });
      expect((await store.read()).version).toBe(current.version);

      const changed = await store.update({
        patch: { webhook: { url: other.url }, senderAllowlist: [...PROFILE_A_SENDERS.split(',')] },
        expectedVersion: current.version,
        updatedBy: 'ops@example.com',
      });
      expect(changed.status).toBe('updated');
      await p.logs.waitFor((l) => l.code === 'settings.changed' && l.version === current.version + 1);
      await p.deliver(loadFixture('03-recadrage-urgence.eml'));
      const [request] = await other.waitForRequests(1, 20_000);
      const headers = request!.headers as Record<string, string>;
      // Checked by hand: the pipeline runs on profile A's fixed clock, which the library would
      // refuse as a stale timestamp.
      const signed = `${headers['webhook-id']}.${headers['webhook-timestamp']}.${request!.body}`;
      const hmac = (secret: string) => `v1,${createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(signed).digest('base64')}`;
      expect(headers['webhook-signature']).toBe(hmac(SECRET));
    } finally {
      await other.close();
    }
  });
});

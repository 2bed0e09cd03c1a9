import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_SERVICES } from '@render-signal/cli';
import type { ServiceDefinition } from '@render-signal/queue';
import { loadFixture } from '@render-signal/testing';
import { ImapFlow } from 'imapflow';
import { startPipeline, type Pipeline } from './support.js';

const MAILBOX = 'Commandes';

/** A logged-in client of the mailbox the services watch. */
async function imapClient(imap: { host: string; port: number; user: string; password: string; caFile?: string | undefined }): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: true,
    tls: { ca: imap.caFile ? readFileSync(imap.caFile) : undefined },
    auth: { user: imap.user, pass: imap.password },
    logger: false,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * The fetcher starts once its mailbox exists. A mailbox missing when the fetcher first looks is a
 * configuration error that stops it for minutes: starting before the test creates the mailbox
 * would make the outcome depend on which of the two reaches the server first.
 */
const services: ServiceDefinition[] = ALL_SERVICES.map((service) =>
  service.name !== 'imap-fetcher'
    ? service
    : {
        ...service,
        async start(ctx) {
          const client = await imapClient(ctx.config.imap);
          await client.mailboxCreate(ctx.config.imap.mailbox).finally(() => client.logout());
          await service.start(ctx);
        },
      },
);

/** Resolves once `check` holds, looking again after each log line the services write. */
async function until(p: Pipeline, check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => p.logs.destination.once('logged', resolve));
  }
}

describe('a mailbox deleted and created again (new UIDVALIDITY)', () => {
  let p: Pipeline;

  beforeAll(async () => {
    p = await startPipeline({ env: { IMAP_MAILBOX: MAILBOX }, services });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('re-reads the mailbox but sends no second webhook for a message already delivered', async () => {
    const first = await p.dovecot.append('alice', loadFixture('01-recadrage-dropbox-11h51.eml'), MAILBOX);
    await p.receiver.waitForRequests(1, 20_000);

    // From here to the first APPEND below the mailbox does not exist: a sync (scheduled or pushed)
    // that runs meanwhile fails, and the next one must find the new mailbox.
    const deletedAt = p.logs.raw.length;
    const client = await imapClient({ ...p.dovecot, user: 'alice', password: p.dovecot.users.alice! });
    await client.mailboxDelete(MAILBOX);
    await client.logout();

    const copy = await p.dovecot.append('alice', loadFixture('01-recadrage-dropbox-11h51.eml'), MAILBOX);
    const fresh = await p.dovecot.append('alice', loadFixture('02-recadrage-date-3-9-2025.eml'), MAILBOX);
    expect(copy.uidValidity).not.toBe(first.uidValidity);

    await p.receiver.waitForRequests(2, 20_000);
    await until(p, () => p.logs.parsed().some((l) => l.code === 'parse.skipped' && l.reason === 'duplicate_message'), 'the copy to be skipped');
    expect(p.logs.parsed().some((l) => l.code === 'fetch.uidvalidity_changed')).toBe(true);
    const ids = p.receiver.requests.map((r) => (r.json as { microsoft_graph_email_id: string }).microsoft_graph_email_id);
    expect(ids).toEqual(['fd4b3273456b8e9b0bb6fb2427a8d887', expect.not.stringMatching(/^fd4b3273/)]);
    expect(fresh.uid).toBeGreaterThan(copy.uid);

    // The IDLE connection had the old mailbox selected: it is rebuilt on the new one, so push
    // resumes instead of waiting for the server to drop it.
    await until(p, () => p.logs.parsed().slice(deletedAt).some((l) => l.code === 'fetch.watching'), 'the watcher to watch the new mailbox');
  }, 40_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadFixture } from '@render-signal/testing';
import { ImapFlow } from 'imapflow';
import { startPipeline, type Pipeline } from './support.js';

const MAILBOX = 'Commandes';

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
    p = await startPipeline({ env: { IMAP_MAILBOX: MAILBOX } });
  });
  afterAll(async () => {
    await p?.stop();
  });

  it('re-reads the mailbox but sends no second webhook for a message already delivered', async () => {
    const first = await p.dovecot.append('alice', loadFixture('01-recadrage-dropbox-11h51.eml'), MAILBOX);
    await p.receiver.waitForRequests(1, 20_000);

    const client = new ImapFlow({
      host: p.dovecot.host,
      port: p.dovecot.port,
      secure: true,
      tls: { ca: p.dovecot.caPem },
      auth: { user: 'alice', pass: p.dovecot.users.alice! },
      logger: false,
    });
    await client.connect();
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
  }, 40_000);
});

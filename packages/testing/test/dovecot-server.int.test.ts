import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { startDovecot, type DovecotServer } from '../src/index.js';

const RAW = 'From: a@example.com\r\nTo: alice@example.com\r\nSubject: hello\r\nMessage-ID: <t1@example.com>\r\n\r\nbody line\r\n';

function client(server: DovecotServer, overrides: Partial<ImapFlowOptions> = {}): ImapFlow {
  const imap = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: true,
    tls: { ca: server.caPem, rejectUnauthorized: true },
    auth: { user: 'alice', pass: 'alicepw' },
    logger: false,
    ...overrides,
  });
  imap.on('error', () => undefined);
  return imap;
}

async function fetchSource(server: DovecotServer, uid: number): Promise<{ uidValidity: bigint; source: string; flags: Set<string> }> {
  const imap = client(server);
  await imap.connect();
  try {
    const mailbox = await imap.mailboxOpen('INBOX');
    const message = await imap.fetchOne(String(uid), { source: true, flags: true }, { uid: true });
    if (!message || !message.source) throw new Error(`UID ${uid} not found`);
    return { uidValidity: mailbox.uidValidity, source: message.source.toString('utf8'), flags: message.flags ?? new Set() };
  } finally {
    await imap.logout();
  }
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('startDovecot', () => {
  let server: DovecotServer;

  beforeAll(async () => {
    server = await startDovecot({ users: { alice: 'alicepw', bob: 'bobpw' } });
  }, 20_000);

  afterAll(async () => {
    await server?.stop();
  });

  test('binds loopback ports and exposes its certificate', () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).not.toBe(server.plainPort);
    expect(server.caPem).toContain('BEGIN CERTIFICATE');
    expect(existsSync(server.caFile)).toBe(true);
    expect(server.users).toEqual({ alice: 'alicepw', bob: 'bobpw' });
  });

  test('append, then fetch the same bytes back over verified TLS', async () => {
    const appended = await server.append('alice', RAW, 'INBOX', ['\\Seen']);
    const fetched = await fetchSource(server, appended.uid);
    expect(fetched.source).toBe(RAW);
    expect(fetched.uidValidity).toBe(appended.uidValidity);
    expect(fetched.flags.has('\\Seen')).toBe(true);
  });

  test('append creates another mailbox and keeps users apart', async () => {
    const appended = await server.append('bob', Buffer.from(RAW), 'Archive');
    expect(appended.uid).toBe(1);
    await expect(server.append('carol', RAW)).rejects.toThrow(/unknown Dovecot test user/);
  });

  test('STARTTLS on the plain port verifies against the same CA', async () => {
    const imap = client(server, { port: server.plainPort, secure: false, doSTARTTLS: true });
    await imap.connect();
    expect(imap.secureConnection).toBe(true);
    await imap.logout();
  });

  test('a client that does not trust the CA is refused', async () => {
    const imap = client(server, { tls: { rejectUnauthorized: true } });
    await expect(imap.connect()).rejects.toThrow(/self-signed|self signed/);
    imap.close();
  });

  test('a wrong password fails fast (no auth penalty)', async () => {
    const started = Date.now();
    const imap = client(server, { auth: { user: 'alice', pass: 'wrong' } });
    await expect(imap.connect()).rejects.toMatchObject({ authenticationFailed: true });
    imap.close();
    // The next good login is not delayed by anvil's per-IP penalty either.
    await fetchSource(server, 1);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('restart keeps UIDVALIDITY and the messages', async () => {
    const before = await server.append('alice', RAW.replace('hello', 'before restart'));
    await server.restart();
    const fetched = await fetchSource(server, before.uid);
    expect(fetched.uidValidity).toBe(before.uidValidity);
    expect(fetched.source).toContain('Subject: before restart');
    const after = await server.append('alice', RAW);
    expect(after.uidValidity).toBe(before.uidValidity);
    expect(after.uid).toBe(before.uid + 1);
  }, 20_000);

  test('restart drops connected clients, like a real server crash', async () => {
    const imap = client(server);
    await imap.connect();
    await imap.mailboxOpen('INBOX');
    const closed = new Promise<void>((resolve) => imap.once('close', () => resolve()));
    await server.restart();
    await closed;
    expect(imap.usable).toBe(false);
  }, 20_000);
});

describe('DovecotServer.stop', () => {
  test('frees both ports and removes its files; a second stop is a no-op', async () => {
    const server = await startDovecot();
    try {
      await server.append('alice', RAW);
    } finally {
      await server.stop();
    }
    expect(await refusesConnections(server.port)).toBe(true);
    expect(await refusesConnections(server.plainPort)).toBe(true);
    expect(existsSync(server.caFile)).toBe(false);
    await server.stop();
    await expect(server.restart()).rejects.toThrow(/stopped/);
  }, 20_000);
});

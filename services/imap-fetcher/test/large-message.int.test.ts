import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Config } from '@render-signal/config';
import { QUEUES } from '@render-signal/contracts';
import { createLogger } from '@render-signal/logger';
import { MAX_HTML_BYTES, MAX_TEXT_BYTES, extractBodies } from '@render-signal/parser';
import { decideMessage } from '@render-signal/parser/decide';
import { createProducer, type Producer } from '@render-signal/queue';
import { deleteKeys, pseudoRandomBytes, startDovecot, startTcpProxy, testRedisUrl, uniquePrefix, type DovecotServer } from '@render-signal/testing';
import type { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import { imapConnector, syncMailbox, type FetcherDeps } from '../src/index.js';
import { LARGE_MESSAGE_BYTES, STREAM_PIECE_BYTES, parkStreamed, reducedSource } from '../src/large-message.js';

const silent = createLogger({ service: 'test', destination: new Writable({ write: (_c, _e, done) => done() }) });
const MiB = 1024 * 1024;

/** Profile A's rules with no allowlist (every sender counts), at a time inside its window. */
const RULES: Config['rules'] = {
  senderAllowlist: [],
  timezone: 'Europe/Paris',
  window: { start: '09h00', end: '19h00' },
  allowWithoutLinks: false,
  maskContent: true,
  contentMaxChars: 20_000,
};
const NOW = new Date('2026-01-13T09:15:00Z');
const decided = (raw: Buffer) => decideMessage(raw, RULES, NOW);
/** The bodies the parser reads, before any rule: a skipped message has no payload to compare. */
const bodies = (raw: Buffer) => extractBodies(raw, { maxHtmlBytes: MAX_HTML_BYTES, maxTextBytes: MAX_TEXT_BYTES });

/** `bytes` of base64 text in 76-character lines, from a fixed pseudo-random sequence. */
function base64Lines(bytes: number, seed: number): string {
  return (pseudoRandomBytes(Math.ceil((bytes * 3) / 4), seed).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
}

/**
 * A work order with a text and an HTML body and two base64 attachments (a PDF and a ZIP by their
 * headers) of `attachmentBytes` together; `trailingText` adds a text part after them, as some
 * mail clients write a message with an inline attachment.
 */
function workOrderWithAttachments(tag: string, attachmentBytes: number, trailingText = false): Buffer {
  const link = 'https://www.dropbox.com/scl/fo/b3n4c8h2k9x4m7q1w8e5r/AKq8Zr5Lw2Xy7Pv4Ct1Nb3?rlkey=z8x6c4v2b0n9m7l5k3j1h2g4f&dl=0';
  const lines = [
    'From: =?UTF-8?Q?Bertille_Vasseur-Quintin?= <b.vasseur@studio-lumiere.example.com>',
    'To: "Atelier Retouche" <reception@atelier-retouche.example.org>',
    'Subject: =?UTF-8?Q?M=C3=A9dia_Solution_-_Lot_4400_-_fichiers_sources?=',
    'Date: Tue, 13 Jan 2026 09:58:12 +0100',
    `Message-ID: <${tag}.4400@studio-lumiere.example.com>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed;',
    '\tboundary="=_mixed_4400"',
    '',
    'This is a multi-part message in MIME format.',
    '',
    '--=_mixed_4400',
    'Content-Type: multipart/alternative; boundary="=_alt_4400"',
    '',
    '--=_alt_4400',
    'Content-Type: text/plain; charset="utf-8"',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    "Bonjour l'=C3=A9quipe,",
    '',
    'Voici les sources du lot 4400 en pi=C3=A8ces jointes, recadrage 4:5.',
    `Lien de secours : ${link}`,
    '',
    'Bertille',
    '--=_alt_4400',
    'Content-Type: text/html; charset="us-ascii"',
    'Content-Transfer-Encoding: 7bit',
    '',
    `<html><body><p>Bonjour l'equipe,</p><p>Voici les sources du lot 4400, recadrage 4:5.</p><p><a href="${link}">${link}</a></p></body></html>`,
    '--=_alt_4400--',
    '',
    '--=_mixed_4400',
    'Content-Type: application/pdf; name="lot-4400-planche.pdf"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="lot-4400-planche.pdf"',
    '',
    base64Lines(Math.floor((attachmentBytes * 3) / 5), 0x9e3779b9),
    '--=_mixed_4400',
    'Content-Type: application/zip; name="lot-4400-sources.zip"',
    'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="lot-4400-sources.zip"',
    '',
    base64Lines(Math.floor((attachmentBytes * 2) / 5), 0x85ebca6b),
    ...(trailingText ? ['--=_mixed_4400', 'Content-Type: text/plain; charset="us-ascii"', '', 'Envoye de mon telephone.'] : []),
    '--=_mixed_4400--',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/**
 * The message with one more part, a base64 attachment, just before the close delimiter of its
 * top multipart (found by a plain search), or undefined when it has none.
 */
function withTrailingAttachment(raw: Buffer): Buffer | undefined {
  const text = raw.toString('latin1');
  const head = text.slice(0, Math.max(0, text.search(/\r?\n\r?\n/)));
  const boundary = /boundary="([^"]+)"|boundary=([^\s;"]+)/i.exec(head);
  const b = boundary?.[1] ?? boundary?.[2];
  if (!b) return undefined;
  const close = text.lastIndexOf(`\n--${b}--`);
  if (close < 0) return undefined;
  const eol = text[close - 1] === '\r' ? '\r\n' : '\n';
  const part = [`--${b}`, 'Content-Type: application/octet-stream; name="annexe.bin"', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="annexe.bin"', '', base64Lines(64 * 1024, 7), ''].join(eol);
  return Buffer.from(text.slice(0, close + 1) + part + text.slice(close + 1), 'latin1');
}

describe('large messages against Dovecot', () => {
  let dovecot: DovecotServer;
  let redis: Redis;
  let prefix: string | undefined;
  let parse: Producer<typeof QUEUES.parse> | undefined;
  /** The parse jobs the test's syncs added. */
  const jobs = () => parse!.queue.getJobs(['waiting']);

  beforeAll(async () => {
    dovecot = await startDovecot({ users: { alice: 'alicepw', bob: 'bobpw', carol: 'carolpw', dave: 'davepw', erin: 'erinpw' } });
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  });
  afterAll(async () => {
    await redis.quit();
    await dovecot.stop();
  });
  afterEach(async () => {
    await parse?.queue.close();
    if (prefix) await deleteKeys(testRedisUrl(), prefix);
  });

  function imapOf(user: string, via?: { host: string; port: number }) {
    return { host: dovecot.host, port: dovecot.port, secure: true, caFile: dovecot.caFile, user, password: dovecot.users[user]!, timeoutMs: 10_000, ...via };
  }

  function deps(user: string, overrides: Partial<FetcherDeps> = {}): FetcherDeps {
    prefix = uniquePrefix('large');
    parse = createProducer(QUEUES.parse, redis, prefix);
    return {
      redis,
      prefix,
      log: silent,
      connect: imapConnector(imapOf(user)),
      enqueueParse: (jobs) => parse!.addBulk(jobs),
      maxMessageBytes: 25 * MiB,
      rawTtlSeconds: 600,
      leaseTtlMs: 30_000,
      markSeen: true,
      syncTimeoutMs: 60_000,
      resyncWindowMs: 3 * 86_400_000,
      ...overrides,
    };
  }

  /** Whether `key` holds exactly `bytes`, compared in Redis (a large value is not read back). */
  async function holds(key: string, bytes: Buffer): Promise<boolean> {
    const sha1 = await redis.eval("local v = redis.call('GET', KEYS[1]) return v and redis.sha1hex(v) or false", 1, key);
    return sha1 === createHash('sha1').update(bytes).digest('hex');
  }

  /** Redis writes of whole values (SET, APPEND), as the sizes of the values written. */
  function recordingWrites(client: Redis): { redis: Redis; written: number[] } {
    const written: number[] = [];
    const redis = new Proxy(client, {
      get(target, key, receiver) {
        const value: unknown = Reflect.get(target, key, receiver);
        if ((key !== 'set' && key !== 'append') || typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const data = args[1];
          written.push(Buffer.isBuffer(data) ? data.length : String(data).length);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    return { redis, written };
  }

  async function openMailbox(user: string): Promise<ImapFlow> {
    const client = await imapConnector(imapOf(user))();
    await client.mailboxOpen('INBOX', { readOnly: true });
    return client;
  }

  it('parks a large message as a small one the parser reads the same, without downloading its attachments', async () => {
    const original = workOrderWithAttachments('reduced', 6 * MiB);
    const appended = await dovecot.append('alice', original);
    const proxy = await startTcpProxy({ host: dovecot.host, port: dovecot.port });
    try {
      const d = deps('alice', { connect: imapConnector(imapOf('alice', proxy)) });
      const result = await syncMailbox({ mailbox: 'INBOX', trigger: 'manual' }, d);
      expect(result).toMatchObject({ outcome: 'synced', enqueued: 1, tooLarge: 0 });
      // The attachments (6 MiB) never crossed the wire, only their headers and the texts did.
      expect(proxy.bytesToClients).toBeLessThan(256 * 1024);
    } finally {
      await proxy.close();
    }

    const [job] = await jobs();
    expect(job?.data).toMatchObject({ ref: { uid: appended.uid }, size: original.length });
    const parked = await redis.getBuffer(job!.data.rawKey!);
    expect(parked!.length).toBeLessThan(16 * 1024);
    const before = await decided(original);
    expect(before.decision).toMatchObject({ action: 'send', payload: { delivery_links: [expect.objectContaining({ provider: 'dropbox' })] } });
    expect(await decided(parked!)).toEqual(before);
    expect(await bodies(parked!)).toEqual(await bodies(original));

    const client = await openMailbox('alice');
    try {
      const flags = await client.fetchOne(String(appended.uid), { uid: true, flags: true }, { uid: true });
      expect(flags && flags.flags?.has('\\Seen')).toBe(true);
    } finally {
      await client.logout();
    }
  });

  it('streams in pieces, byte for byte, a large message whose last part is text (not rebuilt)', async () => {
    const original = workOrderWithAttachments('streamed', 3 * MiB, true);
    const appended = await dovecot.append('bob', original);
    const recording = recordingWrites(redis);
    const d = deps('bob', { redis: recording.redis });
    expect(await syncMailbox({ mailbox: 'INBOX', trigger: 'manual' }, d)).toMatchObject({ enqueued: 1 });

    const [job] = await jobs();
    expect(job?.data).toMatchObject({ ref: { uid: appended.uid }, size: original.length });
    expect(await holds(job!.data.rawKey!, original)).toBe(true);
    // Never the whole message in one write: pieces of at most STREAM_PIECE_BYTES.
    const pieces = recording.written.filter((n) => n > 64 * 1024);
    expect(Math.max(...pieces)).toBeLessThanOrEqual(STREAM_PIECE_BYTES);
    expect(pieces.length).toBeGreaterThanOrEqual(Math.floor(original.length / STREAM_PIECE_BYTES));
    expect(await redis.keys(`${prefix}:raw:*:pieces:*`)).toEqual([]);
  });

  it('stops a streamed message past the size limit and parks nothing', async () => {
    const original = workOrderWithAttachments('capped', 3 * MiB, true);
    const appended = await dovecot.append('carol', original);
    prefix = uniquePrefix('large');
    const client = await openMailbox('carol');
    try {
      const rawKey = `${prefix}:raw:capped`;
      const parked = await parkStreamed(client, appended.uid, rawKey, { redis, maxMessageBytes: 2 * MiB, rawTtlSeconds: 600 });
      expect(parked).toEqual({ outcome: 'too_large', bytes: expect.any(Number) });
      expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    } finally {
      await client.logout();
    }
  });

  it('reduces only messages the parser then reads the same: every fixture and MIME-corpus message, and each with an attachment added', async () => {
    const dirs = ['../../../fixtures/emails/', '../../../fixtures/mime-corpus/'].map((d) => new URL(d, import.meta.url));
    const files = dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => new URL(f, dir)));
    expect(files.length).toBeGreaterThan(40);
    const messages = files.flatMap((file) => {
      const name = file.pathname.split('/').at(-1)!;
      const raw = readFileSync(file);
      const variant = withTrailingAttachment(raw);
      return [{ name, raw }, ...(variant ? [{ name: `${name} + attachment`, raw: variant }] : [])];
    });
    const client = await openMailbox('dave');
    const reducedNames: string[] = [];
    try {
      for (const { name, raw } of messages) {
        // Some corpus messages are refused by the server (NUL bytes and the like): nothing to fetch.
        const appended = await dovecot.append('dave', raw).catch(() => undefined);
        if (!appended) continue;
        await client.noop();
        // The message as the server serves it: the bytes a sync would park whole.
        const full = await client.fetchOne(String(appended.uid), { uid: true, source: true }, { uid: true });
        if (!full || !full.source) throw new Error(`no source for ${name}`);
        const reduced = await reducedSource(client, appended.uid);
        if (!reduced) continue;
        reducedNames.push(name);
        expect(reduced.length).toBeLessThan(full.source.length);
        expect({ name, ...(await bodies(reduced)) }).toEqual({ name, ...(await bodies(full.source)) });
        expect({ name, ...(await decided(reduced)) }).toEqual({ name, ...(await decided(full.source)) });
      }
    } finally {
      await client.logout();
    }
    expect(reducedNames).toContain('15-attachments-latin1.eml + attachment');
    expect(reducedNames.length).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it('sends messages up to LARGE_MESSAGE_BYTES whole, as before', async () => {
    const original = workOrderWithAttachments('small', LARGE_MESSAGE_BYTES / 2);
    await dovecot.append('erin', original);
    const d = deps('erin');
    await syncMailbox({ mailbox: 'INBOX', trigger: 'manual' }, d);
    const [job] = await jobs();
    expect(await holds(job!.data.rawKey!, original)).toBe(true);
  });
});

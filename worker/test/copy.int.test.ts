import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startR2Worker, type R2Worker } from '@render-signal/testing';
import { call, chunked, DROPBOX, FakeOrigin, listKeys, pattern, sha256, uploadMode } from './helpers.js';

const MIB = 1024 * 1024;
const origin = new FakeOrigin();
let worker: R2Worker;

beforeAll(async () => {
  worker = await startR2Worker({ outbound: origin.handler, publicBaseUrl: 'https://files.example.test/' });
});
afterAll(async () => {
  await worker?.dispose();
});

describe('a source of known length', () => {
  const bytes = pattern(3 * MIB + 17);
  const url = origin.route(`${DROPBOX}/scl/fi/abc/Rushes%20lot%202.zip?dl=1&rlkey=k1`, () =>
    new Response(bytes, {
      headers: {
        'Content-Type': 'application/zip',
        'Content-Length': String(bytes.byteLength),
        'Content-Disposition': `attachment; filename="fallback.zip"; filename*=UTF-8''Rushes%20lot%202%20%C3%A9t%C3%A9.zip`,
      },
    }),
  );
  const key = 'dropbox/5f1e2d3c/4b5a6978/Rushes lot 2.zip';

  test('streams into R2 under the key, with the original metadata plus expiresAt', async () => {
    const before = Date.now();
    const res = await call(worker, { source_url: url, object_key: key, bucket: 'ignored', provider: 'dropbox', email_id: 'e-123' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      success: true,
      r2_url: 'https://files.example.test/dropbox/5f1e2d3c/4b5a6978/Rushes%20lot%202.zip',
      object_key: key,
      size: bytes.byteLength,
      original_filename: 'Rushes lot 2 été.zip',
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(uploadMode(worker, key)).toBe('fixed-length');

    const object = await worker.bucket.get(key);
    expect(object).not.toBeNull();
    expect(sha256(await object!.arrayBuffer())).toBe(sha256(bytes));
    expect(object!.httpMetadata?.contentType).toBe('application/zip');
    const meta = object!.customMetadata!;
    expect(meta).toMatchObject({ sourceUrl: url, provider: 'dropbox', emailId: 'e-123', originalFilename: 'Rushes lot 2 été.zip' });
    const uploadedAt = Date.parse(meta['uploadedAt']!);
    expect(uploadedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(meta['expiresAt']!) - uploadedAt).toBe(24 * 3_600_000);
  });

  test('the same key again answers from the bucket without fetching the source', async () => {
    const res = await call(worker, { source_url: url, object_key: key, provider: 'dropbox' }, { auth: 'token' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ success: true, existing: true, size: bytes.byteLength, original_filename: 'Rushes lot 2 été.zip' });
    expect(origin.hitsOf(url)).toBe(1);
  });
});

test('a source of unknown length goes up in 8 MiB parts, the last one shorter', async () => {
  const bytes = pattern(20 * MIB + 12_345, 11);
  const url = origin.route(`${DROPBOX}/s/big/rushes.mov`, () => new Response(chunked(bytes), { headers: { 'Content-Type': 'video/quicktime' } }));
  const key = 'dropbox/aaaaaaaa/bbbbbbbb/rushes.mov';
  const res = await call(worker, { source_url: url, object_key: key, provider: 'dropbox' });
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ success: true, object_key: key, size: bytes.byteLength });
  expect(res.json).not.toHaveProperty('original_filename');
  expect(uploadMode(worker, key)).toBe('multipart');
  const object = await worker.bucket.get(key);
  expect(object!.size).toBe(bytes.byteLength);
  expect(sha256(await object!.arrayBuffer())).toBe(sha256(bytes));
  expect(object!.customMetadata).toMatchObject({ provider: 'dropbox', emailId: 'unknown' });
  expect(object!.customMetadata).not.toHaveProperty('originalFilename');
});

test('a short source of unknown length is one plain put', async () => {
  const bytes = pattern(100_000, 3);
  const url = origin.route(`${DROPBOX}/s/small/notes.pdf`, () => new Response(chunked(bytes, 10_000), { headers: { 'Content-Type': 'application/pdf' } }));
  const key = 'dropbox/cccccccc/dddddddd/notes.pdf';
  const res = await call(worker, { source_url: url, object_key: key, email_id: null, provider: null });
  expect(res.status).toBe(200);
  expect(uploadMode(worker, key)).toBe('single-part');
  const object = await worker.bucket.get(key);
  expect(sha256(await object!.arrayBuffer())).toBe(sha256(bytes));
  expect(object!.customMetadata).toMatchObject({ provider: 'unknown', emailId: 'unknown' });
});

test('redirects inside the allowlist are followed, relative ones too', async () => {
  const bytes = pattern(2048, 5);
  const first = origin.route(`${DROPBOX}/s/moved/file.zip?dl=1`, () => new Response(null, { status: 302, headers: { Location: 'https://dl.dropboxusercontent.com/cd/0/get/xyz/file' } }));
  origin.route('https://dl.dropboxusercontent.com/cd/0/get/xyz/file', () => new Response(null, { status: 301, headers: { Location: '/cd/0/get/xyz/final' } }));
  origin.route('https://dl.dropboxusercontent.com/cd/0/get/xyz/final', () => new Response(bytes, { headers: { 'Content-Length': String(bytes.byteLength) } }));
  const key = 'dropbox/eeeeeeee/ffffffff/file.zip';
  const res = await call(worker, { source_url: first, object_key: key });
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ size: 2048 });
  const object = await worker.bucket.get(key);
  expect(object!.httpMetadata?.contentType).toBe('application/octet-stream');
  expect(sha256(await object!.arrayBuffer())).toBe(sha256(bytes));
  expect(await listKeys(worker, 'dropbox/eeeeeeee/')).toEqual([key]);
});

describe('with ALLOW_LOOPBACK_ORIGINS (tests only), through a real connection', () => {
  let server: Server;
  let loopbackWorker: R2Worker;
  let served = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      served++;
      if (req.url === '/a.zip') {
        res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': '5' });
        res.end('hello');
        return;
      }
      // the connection drops after 1000 bytes, with or without a declared length
      res.writeHead(200, req.url === '/drops-declared.zip' ? { 'Content-Length': '5000' } : {});
      res.write(Buffer.from(pattern(1000)), () => res.socket?.destroy());
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    loopbackWorker = await startR2Worker({ allowLoopbackOrigins: true });
  });
  afterAll(async () => {
    await loopbackWorker?.dispose();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  const base = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  test('an http origin on 127.0.0.1 with a port is fetched over the network', async () => {
    const res = await call(loopbackWorker, { source_url: `${base()}/a.zip`, object_key: 'local/a.zip' });
    expect(res.status).toBe(200);
    expect(served).toBe(1);
    expect(await (await loopbackWorker.bucket.get('local/a.zip'))!.text()).toBe('hello');
  });

  test.each(['/drops-declared.zip', '/drops-chunked.zip'])('a connection dropped mid-body (%s) is 502 source_failed, nothing stored', async (path) => {
    const res = await call(loopbackWorker, { source_url: `${base()}${path}`, object_key: `local${path}` });
    expect({ status: res.status, code: res.json['code'] }).toEqual({ status: 502, code: 'source_failed' });
    expect(await listKeys(loopbackWorker)).toEqual(['local/a.zip']);
  });
});

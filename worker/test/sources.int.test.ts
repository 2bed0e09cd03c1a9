import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startR2Worker, type R2Worker } from '@render-signal/testing';
import { call, chunked, DROPBOX, FakeOrigin, listKeys, pattern } from './helpers.js';

const MIB = 1024 * 1024;
const origin = new FakeOrigin();
let worker: R2Worker;

beforeAll(async () => {
  // the loopback switch is on, to show it opens nothing beyond http://127.0.0.1:<port>
  worker = await startR2Worker({ outbound: origin.handler, allowLoopbackOrigins: true, maxObjectBytes: 10 * MIB, sourceTimeoutMs: 300 });
});
afterAll(async () => {
  await worker?.dispose();
});

/** The refusal is exact and the bucket is still empty. */
async function expectFailure(source: string, status: number, code: string, key = 'src/file.zip'): Promise<Record<string, unknown>> {
  const res = await call(worker, { source_url: source, object_key: key, provider: 'dropbox' });
  expect({ status: res.status, success: res.json['success'], code: res.json['code'] }).toEqual({ status, success: false, code });
  expect(await listKeys(worker)).toEqual([]);
  return res.json;
}

describe('sources refused before any fetch (403 source_refused)', () => {
  test.each([
    ['plain http', 'http://www.dropbox.com/s/a/file.zip'],
    ['loopback IP', 'https://127.0.0.1/'],
    ['loopback over http without a port', 'http://127.0.0.1/file'],
    ['private IP', 'https://10.0.0.1/'],
    ['link-local metadata IP', 'https://169.254.169.254/latest/meta-data/'],
    ['IPv6 loopback', 'https://[::1]/'],
    ['IPv6-mapped IPv4', 'https://[::ffff:127.0.0.1]/'],
    ['decimal IPv4', 'https://2130706433/'],
    ['octal IPv4', 'https://0177.0.0.1/'],
    ['hex IPv4', 'https://0x7f.1/'],
    ['userinfo hiding the host', 'https://user@www.dropbox.com@evil.example/'],
    ['userinfo before an allowed host', 'https://user:pw@www.dropbox.com/s/a/file.zip'],
    ['non-default port', 'https://www.dropbox.com:8443/s/a/file.zip'],
    ['host not on the allowlist', 'https://evil.example/file.zip'],
    ['allowed name as a prefix of another domain', 'https://dropbox.com.evil.example/file.zip'],
    ['allowed name glued to another label', 'https://evildropbox.com/file.zip'],
    ['ftp', 'ftp://www.dropbox.com/file.zip'],
  ])('%s: %s', async (_label, source) => {
    const json = await expectFailure(source, 403, 'source_refused');
    expect(json['error']).toMatch(/^source_url refused: /);
    expect(origin.hits).toEqual([]);
  });
});

describe('redirects', () => {
  test.each([
    ['a loopback IP', 'https://127.0.0.1/'],
    ['the metadata IP over http', 'http://169.254.169.254/latest/meta-data/'],
    ['a host off the allowlist', 'https://evil.example/payload'],
    ['a credentials trick', 'https://www.dropbox.com@evil.example/'],
  ])('to %s is refused (403) and never fetched', async (label, target) => {
    const url = origin.route(`${DROPBOX}/s/redirect/${encodeURIComponent(label)}`, () => new Response(null, { status: 302, headers: { Location: target } }));
    origin.hits.length = 0;
    await expectFailure(url, 403, 'source_refused');
    expect(origin.hits).toEqual([url]);
  });

  test('more than 5 redirects is 502 too_many_redirects', async () => {
    for (let i = 0; i < 10; i++) {
      origin.route(`${DROPBOX}/loop/${i}`, () => new Response(null, { status: 307, headers: { Location: `/loop/${i + 1}` } }));
    }
    origin.hits.length = 0;
    await expectFailure(`${DROPBOX}/loop/0`, 502, 'too_many_redirects');
    expect(origin.hits).toHaveLength(6);
  });

  test('a redirect without Location is 502 source_failed', async () => {
    const url = origin.route(`${DROPBOX}/s/nowhere`, () => new Response(null, { status: 302 }));
    await expectFailure(url, 502, 'source_failed');
  });
});

describe('source answers', () => {
  test('404 is 502 source_failed with the status', async () => {
    const json = await expectFailure(`${DROPBOX}/s/gone/file.zip`, 502, 'source_failed');
    expect(json['error']).toBe('Source fetch failed: 404');
  });

  test('an HTML page is 502 source_is_html', async () => {
    const url = origin.route(`${DROPBOX}/scl/fo/preview`, () => new Response('<html>preview</html>', { headers: { 'Content-Type': 'text/html; charset=utf-8' } }));
    const json = await expectFailure(url, 502, 'source_is_html');
    expect(json['error']).toBe('Source returned HTML preview instead of file');
  });

  test('a Content-Length over MAX_OBJECT_BYTES is 413 too_large', async () => {
    const bytes = pattern(10 * MIB + 1);
    const url = origin.route(`${DROPBOX}/s/huge/declared.zip`, () => new Response(bytes, { headers: { 'Content-Length': String(bytes.byteLength) } }));
    await expectFailure(url, 413, 'too_large');
  });

  test('an unknown-length body passing MAX_OBJECT_BYTES mid-stream is 413, the multipart upload aborted', async () => {
    const bytes = pattern(12 * MIB);
    const url = origin.route(`${DROPBOX}/s/huge/streamed.zip`, () => new Response(chunked(bytes)));
    await expectFailure(url, 413, 'too_large', 'src/streamed.zip');
    // one 8 MiB part had gone up; the aborted upload leaves nothing to complete
    expect(await worker.bucket.head('src/streamed.zip')).toBeNull();
  });

  test('a source that never answers is 504 source_timeout', async () => {
    const url = origin.route(`${DROPBOX}/s/silent/file.zip`, () => new Promise<Response>(() => undefined));
    const json = await expectFailure(url, 504, 'source_timeout');
    expect(json['error']).toMatch(/300 ms/);
  });

  test('a body that stalls after its first chunk is 504 source_timeout', async () => {
    const url = origin.route(`${DROPBOX}/s/stalls/file.zip`, () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(pattern(64 * 1024));
          },
        }),
      ),
    );
    await expectFailure(url, 504, 'source_timeout', 'src/stalled.zip');
  });
});

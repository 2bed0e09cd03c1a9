import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ALL_SERVICES } from '@render-signal/cli';
import { createR2Offloader } from '@render-signal/r2-offloader';
import { loadExpected, loadFixture, normaliseContent, startR2Worker, type R2Worker } from '@render-signal/testing';
import { startPipeline, type Pipeline } from './support.js';

const FIXTURE = '01-recadrage-dropbox-11h51';
/** What the Dropbox share link of fixture 01 serves: a zip, named by Content-Disposition. */
const FILE = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(256 * 1024, 7)]);

describe('an email whose link is copied to R2 by the Worker (under Miniflare)', () => {
  let worker: R2Worker;
  let p: Pipeline;
  const sourceHits: string[] = [];

  beforeAll(async () => {
    worker = await startR2Worker({
      publicBaseUrl: 'https://media.example.net',
      // The Worker's own fetch of https://www.dropbox.com/... is answered here.
      outbound: (request) => {
        sourceHits.push(request.url);
        return new Response(FILE, {
          headers: { 'content-type': 'application/zip', 'content-length': String(FILE.length), 'content-disposition': 'attachment; filename="dropbox-fixture.zip"' },
        });
      },
    });
    p = await startPipeline({
      env: {
        PAYLOAD_MASK_CONTENT: 'false',
        EMAIL_CONTENT_MAX_CHARS: '0',
        R2_FETCH_ENABLED: 'true',
        R2_FETCH_ENDPOINT: worker.url,
        R2_FETCH_TOKEN: worker.token,
        R2_BUCKET_NAME: 'fixture-bucket',
      },
      // Public names do not resolve here: the offloader's DNS check gets a public address for them.
      services: ALL_SERVICES.map((s) => (s.name === 'r2-offloader' ? createR2Offloader({ resolveHost: async () => ['162.125.248.18'] }) : s)),
    });
  });
  afterAll(async () => {
    await p?.stop();
    await worker?.dispose();
  });

  it('delivers the payload of profile B (R2 on) and the object is in the bucket under the original key', async () => {
    await p.deliver(loadFixture(`${FIXTURE}.eml`));
    const [request] = await p.receiver.waitForRequests(1, 30_000);
    const actual = request?.json as Record<string, unknown>;
    const expected = loadExpected(FIXTURE, 'r2') as Record<string, unknown>;
    const { email_content, bodyPreview, ...rest } = expected;
    expect(Object.keys(actual)).toEqual(Object.keys(expected));
    expect(actual).toEqual(expect.objectContaining(rest));
    expect(normaliseContent(actual.email_content as string)).toBe(normaliseContent(email_content as string));

    const key = 'dropbox/f186db77/8109f494/file';
    expect(actual.delivery_links).toEqual([expect.objectContaining({ r2_url: `https://media.example.net/${key}` })]);
    const object = await worker.bucket.get(key);
    expect(object).not.toBeNull();
    expect(Buffer.from(await object!.arrayBuffer()).equals(FILE)).toBe(true);
    expect(object!.customMetadata).toMatchObject({ provider: 'dropbox', originalFilename: 'dropbox-fixture.zip' });
    // The Worker fetched the normalised (dl=1) form of the link, once.
    expect(sourceHits).toEqual(['https://www.dropbox.com/scl/fo/h2k9x4m7q1w8e5r3t6y0u/ANb3Kq8Zr5Lw2Xy7Pv4Ct1?dl=1&rlkey=z8x6c4v2b0n9m7l5k3j1h2g4f']);

    const lines = p.logs.parsed();
    expect(lines.filter((l) => l.code === 'offload.copied')).toHaveLength(1);
    // Neither the share key nor the Worker token reaches a log line.
    expect(p.logs.raw.join('\n')).not.toContain('z8x6c4v2b0n9m7l5k3j1h2g4f');
    expect(p.logs.raw.join('\n')).not.toContain(worker.token);
  });
});

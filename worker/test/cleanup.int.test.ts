import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startR2Worker, type R2Worker } from '@render-signal/testing';
import { call, DROPBOX, FakeOrigin, listKeys } from './helpers.js';

const HOUR = 3_600_000;
const origin = new FakeOrigin();
let worker: R2Worker;

beforeAll(async () => {
  worker = await startR2Worker({ outbound: origin.handler });
});
afterAll(async () => {
  await worker?.dispose();
});

test('the cron deletes what has expired and keeps the rest', async () => {
  const now = Date.now();
  const put = (key: string, customMetadata: Record<string, string>) => worker.bucket.put(key, key, { customMetadata });
  await put('expired/by-date', { expiresAt: new Date(now - HOUR).toISOString() });
  await put('expired/just-now', { expiresAt: new Date(now - 1000).toISOString() });
  await put('fresh/by-date', { expiresAt: new Date(now + HOUR).toISOString() });
  await put('fresh/long', { expiresAt: new Date(now + 48 * HOUR).toISOString() });
  await put('fresh/no-date', {});
  const copied = origin.route(`${DROPBOX}/s/copied/file.zip`, () => new Response('zip', { headers: { 'Content-Length': '3' } }));
  expect((await call(worker, { source_url: copied, object_key: 'fresh/copied' })).status).toBe(200);

  await worker.scheduled(new Date(now));
  expect(await listKeys(worker)).toEqual(['fresh/by-date', 'fresh/copied', 'fresh/long', 'fresh/no-date']);
  expect(worker.logs).toContain(JSON.stringify({ code: 'cleanup.done', deleted: 2, kept: 4 }));

  // 25 h later: the Worker's own copy (expiresAt = +24 h) and the object without a date
  // (uploaded more than RETENTION_HOURS ago) go; the one kept for 48 h stays
  await worker.scheduled(new Date(now + 25 * HOUR));
  expect(await listKeys(worker)).toEqual(['fresh/long']);
});

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startR2Worker, type R2Worker } from '@render-signal/testing';
import { call, DROPBOX, FakeOrigin, listKeys, signature } from './helpers.js';

const origin = new FakeOrigin();
const SOURCE = origin.route(`${DROPBOX}/s/ok/file.zip`, () => new Response('zip', { headers: { 'Content-Length': '3' } }));
let worker: R2Worker;

beforeAll(async () => {
  worker = await startR2Worker({ outbound: origin.handler });
});
afterAll(async () => {
  await worker?.dispose();
});

const now = () => Math.floor(Date.now() / 1000);

/** The refusal is exact and nothing reached the bucket or the source. */
async function expectRefused(res: { status: number; json: Record<string, unknown> }, status: number, code: string): Promise<void> {
  expect({ status: res.status, success: res.json['success'], code: res.json['code'] }).toEqual({ status, success: false, code });
  expect(typeof res.json['error']).toBe('string');
  expect(JSON.stringify(res.json)).not.toContain(worker.token);
  expect(await listKeys(worker)).toEqual([]);
  expect(origin.hits).toEqual([]);
}

describe('methods', () => {
  test('OPTIONS answers the CORS preflight with 204', async () => {
    const res = await fetch(worker.url, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('POST, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toContain('X-R2-FETCH-TOKEN');
  });

  test.each(['GET', 'PUT', 'DELETE'])('%s is 405', async (method) => {
    const res = await call(worker, { source_url: SOURCE, object_key: 'k' }, { method });
    await expectRefused(res, 405, 'method_not_allowed');
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });
});

describe('authentication', () => {
  const body = { source_url: SOURCE, object_key: 'auth/file.zip' };

  test('a wrong X-R2-FETCH-TOKEN is 401', async () => {
    await expectRefused(await call(worker, body, { auth: 'token', token: 'not-the-token' }), 401, 'unauthorized');
  });

  test('a token differing only in its last character is 401', async () => {
    await expectRefused(await call(worker, body, { auth: 'token', token: `${worker.token.slice(0, -1)}#` }), 401, 'unauthorized');
  });

  test('no credentials at all is 401', async () => {
    await expectRefused(await call(worker, body, { auth: 'none' }), 401, 'unauthorized');
  });

  test('a signature made with another key is 401', async () => {
    await expectRefused(await call(worker, body, { token: 'another-key' }), 401, 'unauthorized');
  });

  test('a signature over another body is 401', async () => {
    const timestamp = String(now());
    const headers = { 'X-R2-Timestamp': timestamp, 'X-R2-Signature': signature(worker.token, timestamp, JSON.stringify({ ...body, object_key: 'other' })) };
    await expectRefused(await call(worker, body, { auth: 'none', headers }), 401, 'unauthorized');
  });

  test('a signature without its timestamp, or with a malformed one, is 401', async () => {
    const text = JSON.stringify(body);
    const sig = signature(worker.token, String(now()), text);
    await expectRefused(await call(worker, text, { auth: 'none', headers: { 'X-R2-Signature': sig } }), 401, 'unauthorized');
    await expectRefused(await call(worker, text, { auth: 'none', headers: { 'X-R2-Signature': sig, 'X-R2-Timestamp': 'yesterday' } }), 401, 'unauthorized');
  });

  test.each([
    ['301 s in the past', -301],
    ['301 s in the future', 301],
    ['an hour in the past', -3600],
  ])('a timestamp %s is 401 even with a right signature', async (_label, offset) => {
    const res = await call(worker, body, { timestamp: now() + offset });
    await expectRefused(res, 401, 'unauthorized');
    expect(res.json['error']).toMatch(/300 s/);
  });

  test('a timestamp 250 s off either way still passes', async () => {
    for (const [i, offset] of [-250, 250].entries()) {
      const res = await call(worker, { source_url: SOURCE, object_key: `skew/${i}` }, { timestamp: now() + offset });
      expect(res.status).toBe(200);
    }
    await worker.bucket.delete(['skew/0', 'skew/1']);
    origin.hits.length = 0;
  });

  test('several v1= signatures: one right one is enough (key rotation)', async () => {
    const text = JSON.stringify({ source_url: SOURCE, object_key: 'rotation/file.zip' });
    const timestamp = String(now());
    const header = `${signature('old-key', timestamp, text)} ${signature(worker.token, timestamp, text)}`;
    const res = await call(worker, text, { auth: 'none', headers: { 'X-R2-Timestamp': timestamp, 'X-R2-Signature': header } });
    expect(res.status).toBe(200);
    await worker.bucket.delete('rotation/file.zip');
    origin.hits.length = 0;
  });
});

describe('request body', () => {
  test('malformed JSON is 400', async () => {
    const res = await call(worker, '{"source_url": ');
    await expectRefused(res, 400, 'invalid_request');
    expect(res.json['error']).toBe('body: not valid JSON');
  });

  test('a JSON array is 400', async () => {
    await expectRefused(await call(worker, '[]'), 400, 'invalid_request');
  });

  test.each([
    ['missing source_url', { object_key: 'a/b' }, /^source_url: required/],
    ['missing object_key', { source_url: SOURCE }, /^object_key: required/],
    ['numeric object_key', { source_url: SOURCE, object_key: 42 }, /^object_key: required, a string/],
    ['empty object_key', { source_url: SOURCE, object_key: '' }, /^object_key: must not be empty/],
    ['object_key over 1024 characters', { source_url: SOURCE, object_key: 'a'.repeat(1025) }, /^object_key: longer than 1024/],
    ['object_key starting with /', { source_url: SOURCE, object_key: '/etc/passwd' }, /^object_key: must not start with \//],
    ['object_key with a .. segment', { source_url: SOURCE, object_key: 'dropbox/../secret' }, /^object_key: must not contain a \.\. segment/],
    ['object_key with a control character', { source_url: SOURCE, object_key: 'a\nb' }, /^object_key: must not contain control characters/],
    ['source_url that is not a URL', { source_url: 'dropbox file', object_key: 'a/b' }, /^source_url: not a URL/],
    ['provider that is not a string', { source_url: SOURCE, object_key: 'a/b', provider: ['dropbox'] }, /^provider: must be a string/],
  ])('%s is 400 naming the field', async (_label, body, message) => {
    const res = await call(worker, body);
    await expectRefused(res, 400, 'invalid_request');
    expect(res.json['error']).toMatch(message);
  });

  test('a body over 64 KiB is 413 before anything else', async () => {
    const res = await call(worker, { source_url: SOURCE, object_key: 'big', padding: 'x'.repeat(70_000) });
    await expectRefused(res, 413, 'request_too_large');
  });
});

describe('settings', () => {
  test('without R2_FETCH_TOKEN every request is 500 not_configured', async () => {
    const bare = await startR2Worker({ token: '', outbound: origin.handler });
    try {
      const res = await call(bare, { source_url: SOURCE, object_key: 'a/b' }, { auth: 'token', token: 'anything' });
      expect(res.status).toBe(500);
      expect(res.json).toEqual({ success: false, code: 'not_configured', error: 'Worker not configured (R2_FETCH_TOKEN missing)' });
      expect(await listKeys(bare)).toEqual([]);
    } finally {
      await bare.dispose();
    }
  });

  test('ACCEPT_TOKEN_HEADER=false refuses the original header but takes signed requests', async () => {
    const strict = await startR2Worker({ acceptTokenHeader: false, outbound: origin.handler });
    try {
      const legacy = await call(strict, { source_url: SOURCE, object_key: 'strict/a' }, { auth: 'token' });
      expect(legacy.status).toBe(401);
      expect(legacy.json['code']).toBe('unauthorized');
      expect(await listKeys(strict)).toEqual([]);
      const signed = await call(strict, { source_url: SOURCE, object_key: 'strict/a' });
      expect(signed.status).toBe(200);
    } finally {
      await strict.dispose();
      origin.hits.length = 0;
    }
  });
});

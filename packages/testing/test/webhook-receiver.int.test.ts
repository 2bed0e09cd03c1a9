import { afterEach, describe, expect, test } from '@jest/globals';
import { startWebhookReceiver, type WebhookReceiver } from '../src/index.js';

async function post(url: string, body: unknown): Promise<{ status: number; text: string; contentType: string | null }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-test': 'yes' }, body: JSON.stringify(body) });
  return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') };
}

describe('startWebhookReceiver', () => {
  let receiver: WebhookReceiver | undefined;

  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  test('records the request and answers like the real receiver', async () => {
    receiver = await startWebhookReceiver();
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/hook$/);
    const before = Date.now();
    const response = await post(receiver.url, { subject: 'Média' });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ success: true, message: 'Webhook reçu' });
    expect(response.contentType).toMatch(/^application\/json/);
    const [request] = receiver.requests;
    expect(request).toMatchObject({ method: 'POST', path: '/hook', body: '{"subject":"Média"}', json: { subject: 'Média' } });
    expect(request?.headers['x-test']).toBe('yes');
    expect(request?.receivedAt).toBeGreaterThanOrEqual(before);
  });

  test('waitForRequests resolves when the n-th request arrives, or at once if it has', async () => {
    receiver = await startWebhookReceiver();
    const waiting = receiver.waitForRequests(2, 5_000);
    await post(receiver.url, { n: 1 });
    await post(`${receiver.url}?x=1`, { n: 2 });
    const requests = await waiting;
    expect(requests.map((r) => r.json)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(requests[1]?.path).toBe('/hook?x=1');
    expect(await receiver.waitForRequests(1)).toHaveLength(2);
  });

  test('respond() decides status, body and headers; non-JSON bodies are kept as text', async () => {
    receiver = await startWebhookReceiver({
      respond: async (req) => (req.json === undefined ? { status: 400, body: 'bad', headers: { 'Content-Type': 'text/plain' } } : { status: 503 }),
    });
    const text = await fetch(receiver.url, { method: 'POST', body: 'not json' });
    expect(text.status).toBe(400);
    expect(text.headers.get('content-type')).toBe('text/plain');
    expect(await text.text()).toBe('bad');
    expect((await post(receiver.url, {})).status).toBe(503);
    expect(receiver.requests.map((r) => [r.body, r.json])).toEqual([['not json', undefined], ['{}', {}]]);
  });

  test('waitForRequests rejects with a clear message on timeout', async () => {
    receiver = await startWebhookReceiver();
    await post(receiver.url, { n: 1 });
    await expect(receiver.waitForRequests(2, 50)).rejects.toThrow('webhook receiver: expected 2 request(s) within 50 ms, got 1: POST /hook');
  });

  test('close rejects pending waits instead of leaving them hanging', async () => {
    const closing = await startWebhookReceiver();
    const waiting = closing.waitForRequests(1, 5_000);
    await closing.close();
    await expect(waiting).rejects.toThrow(/closed while waiting for 1 requests/);
  });
});

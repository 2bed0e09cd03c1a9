import { describe, expect, it } from '@jest/globals';
import { classifyResponse } from '../src/classify-response.js';

describe('classifyResponse', () => {
  it('follows the original success rule by default: 200 and JSON success true', () => {
    expect(classifyResponse(200, '{"success": true, "message": "Webhook reçu"}', true)).toEqual({ ok: true });
    expect(classifyResponse(200, '{"success": false, "message": "x"}', true)).toEqual({ ok: false, retryable: false, code: 'dispatch.rejected', reason: 'HTTP 200: x' });
    expect(classifyResponse(200, '', true)).toMatchObject({ ok: false, retryable: false });
    expect(classifyResponse(200, '[1]', true)).toMatchObject({ ok: false, retryable: false });
    expect(classifyResponse(201, 'oops', true)).toEqual({ ok: false, retryable: false, code: 'dispatch.rejected', reason: 'HTTP 201: oops' });
  });

  it('accepts any 2xx when the JSON rule is off', () => {
    expect(classifyResponse(204, '', false)).toEqual({ ok: true });
  });

  it('retries 408, 429 and 5xx, never other answers', () => {
    for (const status of [408, 429, 500, 502, 503]) expect(classifyResponse(status, 'oops', true)).toMatchObject({ ok: false, retryable: true });
    for (const status of [301, 400, 404, 410, 422]) expect(classifyResponse(status, 'oops', true)).toMatchObject({ ok: false, retryable: false });
  });

  it('tells 410 Gone apart: the endpoint is to be disabled, not the webhook dead-lettered', () => {
    expect(classifyResponse(410, 'retired', true)).toEqual({ ok: false, retryable: false, code: 'dispatch.endpoint_gone', reason: 'HTTP 410: retired' });
  });

  it('keeps at most 200 characters of what the receiver said', () => {
    const verdict = classifyResponse(500, 'x'.repeat(5000), true);
    expect(verdict.ok === false && verdict.reason.length).toBe('HTTP 500: '.length + 200);
  });
});

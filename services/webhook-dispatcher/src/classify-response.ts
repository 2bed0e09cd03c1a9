export type DeliveryVerdict =
  | { ok: true }
  | { ok: false; retryable: boolean; code: string; reason: string };

const REASON_MAX = 200;

/**
 * Decides what a receiver's answer means. Success is the original's rule by default (HTTP 200 and
 * a JSON body whose `success` is true) or any 2xx. 408, 429 and 5xx are worth retrying; 410 Gone
 * disables the endpoint; any other answer will not change by retrying, so it goes to the
 * dead-letter queue with the receiver's words.
 */
export function classifyResponse(status: number, body: string, requireJsonSuccess: boolean): DeliveryVerdict {
  const json = parseJson(body);
  // What the receiver said: its JSON `message` (the user's receiver answers that way), else the text.
  const said =
    (isObject(json) && typeof json.message === 'string' ? json.message : body).trim().slice(0, REASON_MAX) || 'Unknown error';
  if (status === 408 || status === 429 || status >= 500) {
    return { ok: false, retryable: true, code: 'dispatch.receiver_unavailable', reason: `HTTP ${status}: ${said}` };
  }
  if (status === 410) {
    // The receiver says the endpoint is gone for good: the dispatcher disables it, no retry.
    return { ok: false, retryable: false, code: 'dispatch.endpoint_gone', reason: `HTTP 410: ${said}` };
  }
  if (status >= 300 && status < 400) {
    return { ok: false, retryable: false, code: 'dispatch.redirect_refused', reason: `HTTP ${status}: redirects are not followed` };
  }
  if (status < 200 || status >= 300) {
    return { ok: false, retryable: false, code: 'dispatch.rejected', reason: `HTTP ${status}: ${said}` };
  }
  if (!requireJsonSuccess) return { ok: true };
  if (status === 200 && isObject(json) && json.success) return { ok: true };
  return { ok: false, retryable: false, code: 'dispatch.rejected', reason: `HTTP ${status}: ${said}` };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

import { createHmac } from 'node:crypto';
import type { Config } from '@render-signal/config';
import type { Got } from 'got';
import { z } from 'zod';

/** The original request body (§10.1), kept so a Worker of the original system still understands it. */
export interface WorkerRequest {
  source_url: string;
  object_key: string;
  bucket: string;
  provider: string;
  email_id?: string;
}

export type WorkerOutcome =
  | { kind: 'copied'; r2Url: string; originalFilename?: string; size?: number; existing: boolean }
  /** `retryable`: worth another attempt (5xx, 429, timeout, network); otherwise the link is final. */
  | { kind: 'failed'; code: string; status?: number; retryable: boolean };

const successSchema = z.object({
  success: z.literal(true),
  r2_url: z.string().min(1),
  original_filename: z.string().optional().nullable(),
  size: z.number().optional(),
  existing: z.boolean().optional(),
});
const FINAL_WORKER_CODES = new Set(['source_is_html', 'too_many_redirects', 'not_configured']);
const failureSchema = z.object({ code: z.string().max(64).optional() });

/**
 * Headers that authenticate one request. Signed (default): `X-R2-Timestamp` and
 * `X-R2-Signature: v1=<hex HMAC-SHA256(token, "<timestamp>.<body>")>`, so the token never travels
 * and a captured request is refused after five minutes. Token: the original header.
 */
export function workerAuthHeaders(auth: 'signed' | 'token', token: string, body: string, now: Date): Record<string, string> {
  if (auth === 'token') return { 'x-r2-fetch-token': token };
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = createHmac('sha256', token).update(`${timestamp}.${body}`).digest('hex');
  return { 'x-r2-timestamp': timestamp, 'x-r2-signature': `v1=${signature}` };
}

/**
 * One call to the Worker: got makes a single attempt (BullMQ owns the retries), follows no
 * redirect and never throws for an HTTP status; the answer is reduced to an outcome.
 */
export async function callWorker(
  request: WorkerRequest,
  options: { http: Got; r2: Config['r2']; timeoutMs: number; now: Date },
): Promise<WorkerOutcome> {
  const body = JSON.stringify(request);
  let status: number;
  let text: string;
  try {
    const response = await options.http.post(options.r2.endpoint, {
      body,
      timeout: { request: options.timeoutMs },
      retry: { limit: 0 },
      followRedirect: false,
      throwHttpErrors: false,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'render-signal-server/r2-transfer',
        ...workerAuthHeaders(options.r2.auth, options.r2.token, body, options.now),
      },
    });
    status = response.statusCode;
    text = response.body;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    return { kind: 'failed', code: code === 'ETIMEDOUT' ? 'worker_timeout' : 'worker_unreachable', retryable: true };
  }
  const json = parseJson(text);
  if (status === 200) {
    const ok = successSchema.safeParse(json);
    if (ok.success) {
      const filename = ok.data.original_filename?.trim();
      return {
        kind: 'copied',
        r2Url: ok.data.r2_url,
        ...(filename ? { originalFilename: filename } : {}),
        ...(ok.data.size !== undefined ? { size: ok.data.size } : {}),
        existing: ok.data.existing === true,
      };
    }
    return { kind: 'failed', code: 'worker_bad_answer', status, retryable: true };
  }
  const workerCode = failureSchema.safeParse(json).data?.code;
  // 5xx is worth another attempt (the source or the Worker may come back), except answers about
  // the file itself: an HTML page instead of a file, a redirect loop.
  const retryable = (status === 429 || status >= 500 || status === 408) && !FINAL_WORKER_CODES.has(workerCode ?? '');
  return { kind: 'failed', code: workerCode ? `worker_${workerCode}` : `worker_http_${status}`, status, retryable };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

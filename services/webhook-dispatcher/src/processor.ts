import type { DispatchJob } from '@render-signal/contracts';
import type { Config } from '@render-signal/config';
import type { Logger } from '@render-signal/logger';
import { PermanentError, RetryableError } from '@render-signal/queue';
import type { Got } from 'got';
import { applyOffloadResults } from './apply-offload-results.js';
import { classifyResponse } from './classify-response.js';
import { standardWebhookHeaders, webhookId } from './sign.js';

export interface DispatcherDeps {
  log: Logger;
  http: Got;
  webhook: Config['webhook'];
  /** Postpones this job without using up an attempt (the kill switch is on). */
  postpone: (delayMs: number) => Promise<never>;
  /** Values returned by this job's offload children (empty when it has none). */
  offloadResults: () => Promise<unknown[]>;
  clock: () => Date;
}

export const SENDING_DISABLED_RECHECK_MS = 60_000;

/**
 * One delivery attempt. got makes exactly one request (no retries, no redirects); BullMQ owns
 * retries and backoff, and the dead-letter queue keeps what could not be delivered.
 */
export async function deliverWebhook(data: DispatchJob, deps: DispatcherDeps): Promise<{ status: number }> {
  const { log, webhook } = deps;
  if (!webhook.sendingEnabled) {
    log.warn({ code: 'dispatch.sending_disabled', emailId: data.emailId, recheckMs: SENDING_DISABLED_RECHECK_MS });
    return deps.postpone(SENDING_DISABLED_RECHECK_MS);
  }
  const { payload } = applyOffloadResults(data.payload, await deps.offloadResults());
  // Serialised once: the signature covers exactly the bytes that are sent.
  const body = JSON.stringify(payload);
  const id = webhookId(data.ref, webhook.url);
  const started = performance.now();
  let status: number;
  let answer: string;
  try {
    const response = await deps.http.post(webhook.url, {
      body,
      timeout: { request: webhook.timeoutMs },
      retry: { limit: 0 },
      followRedirect: false,
      throwHttpErrors: false,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'render-signal',
        ...standardWebhookHeaders(id, body, deps.clock(), webhook.secret),
      },
    });
    status = response.statusCode;
    answer = response.body;
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'ERR_UNKNOWN';
    log.warn({ code: 'dispatch.failed', emailId: data.emailId, retryable: true, cause: code });
    throw new RetryableError('dispatch.network', `request failed: ${code}`, { cause: err });
  }
  const ms = Math.round(performance.now() - started);
  const verdict = classifyResponse(status, answer, webhook.requireJsonSuccess);
  if (verdict.ok) {
    log.info({ code: 'dispatch.delivered', emailId: data.emailId, webhookId: id, status, ms });
    return { status };
  }
  log.warn({ code: 'dispatch.failed', emailId: data.emailId, status, ms, retryable: verdict.retryable, reasonCode: verdict.code });
  throw verdict.retryable ? new RetryableError(verdict.code, verdict.reason) : new PermanentError(verdict.code, verdict.reason);
}

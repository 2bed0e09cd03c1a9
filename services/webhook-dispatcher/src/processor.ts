import { messageKey, type DeliveryOutcome, type DispatchJob } from '@render-signal/contracts';
import type { Config } from '@render-signal/config';
import type { Logger } from '@render-signal/logger';
import { PermanentError, RetryableError } from '@render-signal/queue';
import type { Got } from 'got';
import type { Redis } from 'ioredis';
import { applyOffloadResults } from './apply-offload-results.js';
import { classifyResponse } from './classify-response.js';
import { logAttempt, subjectHash, type DeliveryAttempt, type ForgetPayload } from './delivery-log.js';
import type { DispatchMetrics } from './dispatch-metrics.js';
import { disableEndpoint, endpointHash, isEndpointDisabled, rememberPaused, type EndpointStateReader } from './endpoint-state.js';
import { ReceiverBusyError } from './receiver-busy-error.js';
import { parseRetryAfter } from './retry-after.js';
import { standardWebhookHeaders, webhookId } from './sign.js';

export interface DispatcherDeps {
  log: Logger;
  http: Got;
  webhook: Config['webhook'];
  /**
   * Endpoint state and the delivery log live here, under `prefix`. The processor passes the
   * worker's own connection: a delivery-log entry, written without waiting, then reaches Redis
   * before the job's outcome does.
   */
  redis: Redis;
  prefix: string;
  /** WEBHOOK_LOG_MAX_ENTRIES. */
  logMaxEntries: number;
  metrics?: DispatchMetrics;
  /** Reads the endpoint-disabled flag (startDispatchProcessor's reader remembers "enabled" for a second); Redis at every delivery when absent. */
  endpointState?: EndpointStateReader;
  /** Postpones this job without using up an attempt (kill switch on, endpoint disabled). */
  postpone: (delayMs: number) => Promise<never>;
  /** What the job keeps once delivered: its payload is replaced in the command that logs the delivery. */
  forgetPayload?: ForgetPayload;
  /** Values returned by this job's offload children (empty when it has none). */
  offloadResults: () => Promise<unknown[]>;
  clock: () => Date;
}

/** Where this run stands among the job's attempts (BullMQ's counters). */
export interface AttemptInfo {
  jobId: string;
  /** Attempts used before this one. */
  attemptsMade: number;
  /** Attempts the job has in all (WEBHOOK_MAX_ATTEMPTS). */
  attempts: number;
}

export const SENDING_DISABLED_RECHECK_MS = 60_000;
/** A postponed delivery to a disabled endpoint looks again this often; re-enabling promotes it at once. */
export const ENDPOINT_DISABLED_RECHECK_MS = 60_000;

/**
 * One delivery attempt. got makes exactly one request (no retries, no redirects); BullMQ owns
 * retries and backoff (the `webhook` strategy, which honours Retry-After), and the dead-letter
 * queue keeps what could not be delivered. Every attempt is appended to the delivery log.
 */
export async function deliverWebhook(
  data: DispatchJob,
  deps: DispatcherDeps,
  attempt: AttemptInfo = { jobId: messageKey(data.ref), attemptsMade: 0, attempts: 1 },
): Promise<{ status: number }> {
  const { log, webhook, redis, prefix } = deps;
  const heldMs = data.notBefore ? Date.parse(data.notBefore) - deps.clock().getTime() : 0;
  if (heldMs > 0) {
    // Held until the delivery window opens (decided by the parser); no attempt is used.
    log.info({ code: 'dispatch.held', emailId: data.emailId, until: data.notBefore });
    return deps.postpone(heldMs);
  }
  if (!webhook.sendingEnabled) {
    log.warn({ code: 'dispatch.sending_disabled', emailId: data.emailId, recheckMs: SENDING_DISABLED_RECHECK_MS });
    return deps.postpone(SENDING_DISABLED_RECHECK_MS);
  }
  const endpoint = endpointHash(webhook.url);
  const pause = async () => {
    await rememberPaused(redis, prefix, endpoint, attempt.jobId);
    deps.metrics?.endpointDisabled.set({ endpoint }, 1);
    return deps.postpone(ENDPOINT_DISABLED_RECHECK_MS);
  };
  // Two independent reads, in parallel: one round trip of latency per delivery instead of two.
  const [disabled, results] = await Promise.all([
    deps.endpointState ? deps.endpointState.isDisabled(endpoint) : isEndpointDisabled(redis, prefix, endpoint),
    // Only an email with links is a flow with offload children to read.
    data.payload.delivery_links?.length ? deps.offloadResults() : [],
  ]);
  if (disabled) {
    log.warn({ code: 'dispatch.endpoint_paused', emailId: data.emailId, endpoint, recheckMs: ENDPOINT_DISABLED_RECHECK_MS });
    return pause();
  }

  const { payload } = applyOffloadResults(data.payload, results);
  // Serialised once: the signature covers exactly the bytes that are sent.
  const body = JSON.stringify(payload);
  const id = webhookId(data.ref, webhook.url);
  const now = deps.clock();
  const number = attempt.attemptsMade + 1;
  const last = number >= attempt.attempts;
  const record = (outcome: DeliveryOutcome, ms: number, result: Pick<DeliveryAttempt, 'status' | 'error' | 'reasonCode' | 'retryAfterMs'>): void =>
    recordAttempt(deps, outcome, ms, {
      at: now.toISOString(),
      emailId: data.emailId,
      jobId: attempt.jobId,
      attempt: number,
      outcome,
      ms,
      webhookId: id,
      subjectHash: subjectHash(data.payload.subject),
      endpoint,
      ...result,
    });

  const started = performance.now();
  let status: number;
  let answer: string;
  let retryAfterHeader: string | undefined;
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
        ...standardWebhookHeaders(id, body, now, webhook.secret),
      },
    });
    status = response.statusCode;
    answer = response.body;
    retryAfterHeader = response.headers['retry-after'];
  } catch (err) {
    const ms = Math.round(performance.now() - started);
    const code = (err as { code?: string }).code ?? 'ERR_UNKNOWN';
    record(last ? 'dead' : 'retry', ms, { error: code, reasonCode: 'dispatch.network' });
    log.warn({ code: 'dispatch.failed', emailId: data.emailId, retryable: true, cause: code, ms, attempt: number });
    throw new RetryableError('dispatch.network', `request failed: ${code}`, { cause: err });
  }
  const ms = Math.round(performance.now() - started);
  const verdict = classifyResponse(status, answer, webhook.requireJsonSuccess);
  if (verdict.ok) {
    record('delivered', ms, { status });
    log.info({ code: 'dispatch.delivered', emailId: data.emailId, webhookId: id, status, ms, attempt: number });
    return { status };
  }
  if (verdict.code === 'dispatch.endpoint_gone') {
    // Not a dead letter: every webhook for this endpoint waits until someone re-enables it.
    await disableEndpoint(redis, prefix, { endpoint, status, reason: verdict.reason, disabledAt: now.toISOString(), emailId: data.emailId });
    deps.endpointState?.forget(endpoint);
    record('disabled', ms, { status, reasonCode: verdict.code });
    log.error({ code: 'dispatch.endpoint_disabled', emailId: data.emailId, endpoint, status });
    return pause();
  }
  const retryAfterMs = verdict.retryable && (status === 429 || status === 503) ? parseRetryAfter(retryAfterHeader, now) : undefined;
  record(verdict.retryable && !last ? 'retry' : 'dead', ms, { status, reasonCode: verdict.code, retryAfterMs });
  log.warn({ code: 'dispatch.failed', emailId: data.emailId, status, ms, retryable: verdict.retryable, reasonCode: verdict.code, retryAfterMs, attempt: number });
  throw verdict.retryable ? new ReceiverBusyError(verdict.code, verdict.reason, retryAfterMs) : new PermanentError(verdict.code, verdict.reason);
}

/**
 * Metrics and the delivery log. The log entry (with, after a delivery, the removal of the
 * payload: one command) is sent, not waited for: it is queued on the connection ahead of whatever
 * this attempt writes next (the job's completion, retry or postponement), so Redis applies it
 * first, and the attempt does not pay a round trip of its own for it. A failure to write it never
 * fails the attempt (after a delivered webhook that would mean a retry, i.e. a second webhook):
 * it is logged.
 */
function recordAttempt(deps: DispatcherDeps, outcome: DeliveryOutcome, ms: number, entry: DeliveryAttempt): void {
  deps.metrics?.attempt(outcome, entry.status, entry.error, ms);
  const forget = outcome === 'delivered' ? deps.forgetPayload : undefined;
  logAttempt(deps.redis, deps.prefix, entry, deps.logMaxEntries, forget).catch((err: unknown) => {
    deps.log.warn({ code: 'redis.error', err, during: 'delivery_log' });
  });
}

import type { Config, ResolvedHostCheck } from '@render-signal/config';
import type { DeliveryLink, OffloadJob, OffloadResult } from '@render-signal/contracts';
import { normalizeSourceUrl, r2ObjectKey } from '@render-signal/core';
import type { Logger } from '@render-signal/logger';
import { RetryableError } from '@render-signal/queue';
import type { Got } from 'got';
import type { LinksLog } from './links-log.js';
import type { OffloadMetrics } from './offload-metrics.js';
import { checkSourceUrl, isLoopbackHost } from './source-guard.js';
import { callWorker, type WorkerOutcome } from './worker-client.js';

export interface OffloaderDeps {
  log: Logger;
  r2: Config['r2'];
  /** Read at every link, so a dashboard change applies at once: the kill switch and the host allowlist. */
  runtime: () => { offloadDisabled: boolean; allowedHosts: readonly string[] };
  allowLocalTargets: boolean;
  http: Got;
  /** Whether a host resolves to public addresses only (`checkResolvedHost` of the config package). */
  checkResolvedHost: (host: string) => Promise<ResolvedHostCheck>;
  links: LinksLog;
  metrics: OffloadMetrics;
  /**
   * Wall-clock milliseconds, for the deadline and the request signature (both compare with real
   * time: BullMQ's job timestamps and the Worker's clock), not the business clock of the rules.
   */
  now: () => number;
}

/** What the processor knows of its BullMQ job: when the flow was added and which attempt this is. */
export interface AttemptInfo {
  createdAt: number;
  attempt: number;
  attempts: number;
}

const UNRESOLVED = 'host name does not resolve';

/** Below this much time left before the deadline another attempt is not worth starting. */
export const MIN_ATTEMPT_MS = 1_000;

/**
 * Copies one delivery link to R2 through the Worker and returns the link for the dispatch job.
 * Never holds the webhook back: a link that is refused, fails for good, runs out of attempts or
 * reaches the offload deadline comes back as the original's fallback (`direct_url` = `raw_url`,
 * no `r2_url`) and the job completes. Only a failure worth retrying, with time and attempts left,
 * throws (BullMQ retries it with a backoff capped by the same deadline).
 */
export async function offloadLink(data: OffloadJob, attempt: AttemptInfo, deps: OffloaderDeps): Promise<OffloadResult> {
  const { link, index } = data;
  const runtime = deps.runtime();
  if (!deps.r2.enabled || runtime.offloadDisabled) {
    deps.metrics.links.inc({ provider: link.provider, outcome: 'disabled' });
    deps.log.debug({ code: 'offload.disabled', emailId: data.emailId, index });
    return { index, link };
  }
  const fallback: DeliveryLink = { provider: link.provider, raw_url: link.raw_url, direct_url: link.raw_url };
  const context = { emailId: data.emailId, index, provider: link.provider, attempt: attempt.attempt };
  const giveUp = (code: string, extra: Record<string, unknown> = {}): OffloadResult => {
    deps.metrics.links.inc({ provider: link.provider, outcome: code === 'source_refused' ? 'refused' : 'failed' });
    deps.log.warn({ code: 'offload.fell_back', ...context, reasonCode: code, ...extra });
    return { index, link: fallback };
  };

  const source = normalizeSourceUrl(link.raw_url, link.provider);
  const checked = checkSourceUrl(source, runtime.allowedHosts, deps.allowLocalTargets);
  if (!checked.ok) {
    deps.log.warn({ code: 'offload.source_refused', ...context, problem: checked.problem });
    return giveUp('source_refused');
  }
  const remaining = attempt.createdAt + deps.r2.deadlineMs - deps.now();
  if (remaining < MIN_ATTEMPT_MS) return giveUp('deadline_reached');
  if (!(deps.allowLocalTargets && isLoopbackHost(checked.url.hostname))) {
    const resolved = await deps.checkResolvedHost(checked.url.hostname);
    if (!resolved.ok && resolved.problem === UNRESOLVED && attempt.attempt < attempt.attempts) {
      // DNS can fail for a moment; a name that never resolves falls back on the last attempt.
      deps.metrics.links.inc({ provider: link.provider, outcome: 'retry' });
      throw new RetryableError('offload.source_unresolved', 'the source host name does not resolve');
    }
    if (!resolved.ok) {
      deps.log.warn({ code: 'offload.source_refused', ...context, problem: resolved.problem });
      return giveUp('source_refused');
    }
  }

  const objectKey = r2ObjectKey(source, link.provider);
  const providerTimeout = link.provider === 'dropbox' && source.toLowerCase().includes('/scl/fo/') ? deps.r2.folderTimeoutMs : deps.r2.timeoutMs;

  const stopTimer = deps.metrics.duration.startTimer({ provider: link.provider });
  const outcome: WorkerOutcome = await callWorker(
    {
      source_url: source,
      object_key: objectKey,
      bucket: deps.r2.bucket,
      provider: link.provider,
      ...(data.emailId ? { email_id: data.emailId } : {}),
    },
    { http: deps.http, r2: deps.r2, timeoutMs: Math.min(providerTimeout, remaining), now: new Date(deps.now()) },
  );
  stopTimer();

  if (outcome.kind === 'copied') {
    deps.metrics.links.inc({ provider: link.provider, outcome: outcome.existing ? 'existing' : 'copied' });
    await deps.links.record({
      sourceUrl: source,
      r2Url: outcome.r2Url,
      provider: link.provider,
      ...(outcome.originalFilename ? { originalFilename: outcome.originalFilename } : {}),
    });
    deps.log.info({ code: 'offload.copied', ...context, existing: outcome.existing, size: outcome.size });
    return {
      index,
      link: { ...fallback, r2_url: outcome.r2Url, ...(outcome.originalFilename ? { original_filename: outcome.originalFilename } : {}) },
    };
  }

  const last = attempt.attempt >= attempt.attempts;
  if (!outcome.retryable || last) return giveUp(outcome.code, { status: outcome.status, attemptsExhausted: last && outcome.retryable });
  deps.metrics.links.inc({ provider: link.provider, outcome: 'retry' });
  throw new RetryableError(`offload.${outcome.code}`, `the Worker did not copy the link (${outcome.code}${outcome.status ? `, HTTP ${outcome.status}` : ''})`);
}

/**
 * Retry delays of offload jobs: BullMQ's exponential curve with jitter, never past the deadline,
 * so the last attempt still happens before the webhook stops waiting.
 */
export function offloadRetryDelay(options: { exponential: number; createdAt: number; deadlineMs: number; now: number }): number {
  const left = options.createdAt + options.deadlineMs - options.now - MIN_ATTEMPT_MS;
  return Math.max(0, Math.min(options.exponential, left));
}

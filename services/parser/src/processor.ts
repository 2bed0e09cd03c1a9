import type { DispatchJob, ParseJob } from '@render-signal/contracts';
import type { Config } from '@render-signal/config';
import { maskEmail, nextWindowStart, toLocal, type Decision } from '@render-signal/core';
import type { Logger } from '@render-signal/logger';
import { PermanentError } from '@render-signal/queue';
import type { Redis } from 'ioredis';
import { claimMessage, dedupeKey, releaseMessage } from './dedupe.js';
import { MAX_HTML_BYTES, decideMessage } from './decide-message.js';

export interface ParserDeps {
  redis: Redis;
  prefix: string;
  log: Logger;
  clock: () => Date;
  rules: Config['rules'];
  /** Outside the delivery window, hold the message until it opens instead of skipping it. */
  holdOutsideWindow?: boolean;
  dedupe: Config['dedupe'];
  /** Dispatch right away (no link to copy). */
  enqueueDispatch: (job: DispatchJob) => Promise<unknown>;
  /** Dispatch once one offload job per link has finished (a flow). */
  enqueueDispatchAfterOffload: (job: DispatchJob) => Promise<unknown>;
  /** Whether a dispatch job already exists for this message (an earlier run of this job). */
  handedOn: (ref: ParseJob['ref']) => Promise<boolean>;
}

export type ParseOutcome =
  | { action: 'send'; emailId: string; next: 'offload' | 'dispatch' }
  | { action: 'skip'; emailId: string; reason: string };

/**
 * Decodes one raw message, applies the work-order rules and hands the payload on. A message is
 * handed on once per Message-ID (within MESSAGE_DEDUPE_TTL_SECONDS), and its raw bytes are
 * deleted as soon as the decision is handed on.
 */
export async function parseMessage(data: ParseJob, jobId: string, deps: ParserDeps): Promise<ParseOutcome> {
  const { log } = deps;
  if (!data.rawKey) {
    throw new PermanentError('parse.message_too_large', `message of ${data.size} bytes exceeds MAX_MESSAGE_BYTES; it was not downloaded`);
  }
  const raw = await deps.redis.getBuffer(data.rawKey);
  if (!raw && (await deps.handedOn(data.ref))) {
    // An earlier run handed the message on and deleted it, then stopped before completing.
    log.info({ code: 'parse.skipped', jobId, reason: 'already_handed_on' });
    return { action: 'skip', emailId: '', reason: 'already_handed_on' };
  }
  if (!raw) {
    throw new PermanentError('parse.raw_missing', 'the raw message expired before it was parsed (RAW_MESSAGE_TTL_SECONDS)');
  }

  const decided = await decideMessage(raw, deps.rules, deps.clock());
  const { headers, htmlTruncated } = decided;
  let decision = decided.decision;
  let notBefore: Date | undefined;
  if (decision.action === 'skip' && decision.reason === 'outside_window' && deps.holdOutsideWindow) {
    // Decided again as of the moment the window opens: the payload the receiver would get then.
    const opens = nextWindowStart(toLocal(deps.clock(), deps.rules.timezone), deps.rules.window)?.toJSDate();
    if (opens) {
      const later = (await decideMessage(raw, deps.rules, opens)).decision;
      if (later.action === 'send') {
        decision = later;
        notBefore = opens;
      }
    }
  }
  if (htmlTruncated) log.warn({ code: 'parse.html_truncated', emailId: headers.emailId, limitBytes: MAX_HTML_BYTES });
  let outcome: ParseOutcome;
  if (decision.action === 'skip') {
    outcome = { action: 'skip', emailId: decision.emailId, reason: decision.reason };
  } else {
    const key = dedupeKey(deps.prefix, headers.messageId, raw);
    if (deps.dedupe.enabled && !(await claimMessage(deps.redis, key, jobId, deps.dedupe.ttlSeconds))) {
      outcome = { action: 'skip', emailId: decision.emailId, reason: 'duplicate_message' };
    } else {
      try {
        outcome = await handOn(decision, data, deps, notBefore);
      } catch (err) {
        if (deps.dedupe.enabled) await releaseMessage(deps.redis, key, jobId);
        throw err;
      }
    }
  }
  await deps.redis.del(data.rawKey);

  if (outcome.action === 'skip') {
    log.info({ code: 'parse.skipped', emailId: outcome.emailId, reason: outcome.reason, sender: maskEmail(headers.senderEmail) });
  } else if (decision.action === 'send') {
    log.info({
      code: 'parse.decided',
      emailId: outcome.emailId,
      detector: decision.payload.detector ?? null,
      links: decision.payload.delivery_links?.length ?? 0,
      next: outcome.next,
      heldUntil: notBefore?.toISOString(),
      sender: maskEmail(headers.senderEmail),
    });
  }
  return outcome;
}

async function handOn(decision: Extract<Decision, { action: 'send' }>, data: ParseJob, deps: ParserDeps, notBefore?: Date): Promise<ParseOutcome> {
  const job: DispatchJob = {
    ref: data.ref,
    emailId: decision.emailId,
    payload: decision.payload,
    ...(notBefore ? { notBefore: notBefore.toISOString() } : {}),
  };
  if (decision.payload.delivery_links?.length) {
    await deps.enqueueDispatchAfterOffload(job);
    return { action: 'send', emailId: decision.emailId, next: 'offload' };
  }
  await deps.enqueueDispatch(job);
  return { action: 'send', emailId: decision.emailId, next: 'dispatch' };
}

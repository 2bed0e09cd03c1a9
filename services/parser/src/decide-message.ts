import type { Config } from '@render-signal/config';
import { decide, readEmailHeaders, type Decision, type EmailHeaders } from '@render-signal/core';
import { extractBodies } from './body/index.js';

/** The original's anti-OOM rule: at most 1 MiB of decoded HTML is looked at; text is capped too. */
export const MAX_HTML_BYTES = 1024 * 1024;
export const MAX_TEXT_BYTES = 1024 * 1024;

export interface MessageDecision {
  headers: EmailHeaders;
  decision: Decision;
  htmlTruncated: boolean;
}

/**
 * Everything the parser decides about one raw message, without any I/O: what the pipeline does
 * and what `render-signal check` prints come from this one function.
 */
export async function decideMessage(raw: Buffer, rules: Config['rules'], now: Date): Promise<MessageDecision> {
  const headers = readEmailHeaders(raw);
  const body = await extractBodies(raw, { maxHtmlBytes: MAX_HTML_BYTES, maxTextBytes: MAX_TEXT_BYTES });
  return { headers, decision: decide(headers, body, { ...rules, now }), htmlTruncated: body.htmlTruncated };
}

import type { DateTime } from 'luxon';
import { isBeforeWindowStart } from './is-within-window.js';
import { parseTimeHhmm } from './parse-time-hhmm.js';

export interface WindowPayloadStrings {
  webhooks_time_start?: string;
  webhooks_time_end?: string;
}

/**
 * webhooks_time_start / webhooks_time_end of §8.3. The receiver's auto-reply reads them, so the
 * quirks stay: the start key is omitted after the window end, and the end string is sent whenever
 * it is configured, even when it does not parse.
 */
export function windowPayloadStrings(
  nowLocal: DateTime,
  window: { start?: string; end?: string },
  within: boolean,
  desaboNonUrgent: boolean,
): WindowPayloadStrings {
  const ps = window.start?.trim() ?? '';
  const pe = window.end?.trim() ?? '';
  const out: WindowPayloadStrings = {};
  if (ps && pe && parseTimeHhmm(ps) && parseTimeHhmm(pe)) {
    if (within) out.webhooks_time_start = 'maintenant';
    else if (desaboNonUrgent && isBeforeWindowStart(nowLocal, ps)) out.webhooks_time_start = ps;
  }
  if (pe) out.webhooks_time_end = pe;
  return out;
}

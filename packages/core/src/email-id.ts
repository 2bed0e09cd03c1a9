import { createHash } from 'node:crypto';

/**
 * md5 of "Message-ID|subject|Date" (§9.1). The receiver keys on this value, so the inputs are the
 * compat32 raw header values (folds kept) and the Python-decoded subject, never unfolded ones.
 */
export function computeEmailId(messageIdRaw: string, subject: string, dateRaw: string): string {
  return createHash('md5').update(`${messageIdRaw}|${subject}|${dateRaw}`, 'utf8').digest('hex');
}

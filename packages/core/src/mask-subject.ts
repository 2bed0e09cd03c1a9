import { createHash } from 'node:crypto';
import { pyStrip, PY_SPACE } from './python-regex.js';

const WORDS = new RegExp(`${PY_SPACE}+`, 'u');

/** mask_sensitive_data(value, 'subject') of §13: first three words, then a short sha256 to correlate log lines. */
export function maskSubject(s: string): string {
  const raw = String(s ?? '');
  if (raw === '') return '';
  const trimmed = pyStrip(raw);
  const words = trimmed.split(WORDS).filter((w) => w !== '');
  const digest = createHash('sha256').update(trimmed, 'utf8').digest('hex').slice(0, 6);
  const head = words.length ? words.slice(0, 3).join(' ') : '(empty)';
  return `${head}... [${digest}]`;
}

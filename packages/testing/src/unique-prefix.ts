import { randomBytes } from 'node:crypto';

/**
 * A fresh Redis key prefix per test (`t-<label>-<random>`), so tests sharing one Redis never see
 * each other's queues. The label is reduced to characters that are safe in keys and globs.
 */
export function uniquePrefix(label = 'test'): string {
  const safe = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'test';
  return `t-${safe}-${randomBytes(5).toString('hex')}`;
}

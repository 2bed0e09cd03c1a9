import { createHash } from 'node:crypto';
import { pyUnquote, pyUrlSplit } from './python-url.js';
import type { Provider } from './types.js';

/**
 * R2 object key (§10.1): provider/h[0:8]/h[8:16]/name with h = sha256 of the normalised URL. The
 * recipe is kept so objects the original already stored are found under the same keys.
 */
export function r2ObjectKey(normalizedUrl: string, provider: Provider): string {
  const h = createHash('sha256').update(normalizedUrl, 'utf8').digest('hex');
  const last = pyUrlSplit(normalizedUrl).path.split('/').pop() ?? '';
  const decoded = pyUnquote(last);
  const name = decoded.includes('.') ? decoded : 'file';
  return `${provider}/${h.slice(0, 8)}/${h.slice(8, 16)}/${name}`;
}

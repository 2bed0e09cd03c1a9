import type { DateTime } from 'luxon';
import { providerLinkRegex } from './extract-delivery-links.js';
import { extractDeliveryTime } from './extract-delivery-time.js';
import { lightNormalize } from './normalize-text.js';

const LITERAL_SUBJECT = 'Média Solution - Missions Recadrage - Lot';

/** Link condition of §6.2: any provider link, or a bare Dropbox folder / FromSmash / SwissTransfer reference. */
export function hasRecadrageLink(combined: string): boolean {
  if (providerLinkRegex('iu').test(combined)) return true;
  if (combined.includes('dropbox.com/scl/fo')) return true;
  const lower = combined.toLowerCase();
  return lower.includes('fromsmash.com/') || lower.includes('swisstransfer.com/d/');
}

export function isRecadrageSubject(subject: string): boolean {
  if (subject.includes(LITERAL_SUBJECT) || subject.normalize('NFC').includes(LITERAL_SUBJECT)) return true;
  const s = lightNormalize(subject);
  return s.includes('media solution') && s.includes('missions recadrage') && s.includes('lot');
}

/** Recadrage detection (§6.2): the delivery time when it is an order, else null. */
export function detectRecadrage(subject: string, combined: string, nowLocal: DateTime): string | null {
  if (!hasRecadrageLink(combined) || !isRecadrageSubject(subject)) return null;
  return extractDeliveryTime(subject, combined, nowLocal);
}

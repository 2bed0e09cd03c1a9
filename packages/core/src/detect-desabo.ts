import { normalizeText } from './normalize-text.js';

const FORBIDDEN = ['annulation', 'facturation', 'facture', 'moment', 'reference client', 'total ht'];

export interface DesaboResult {
  matches: boolean;
  urgent: boolean;
  hasDropboxRequest: boolean;
}

/**
 * DESABO detection (§6.3). Substring tests on purpose: the receiver's auto-reply depends on the
 * same matches as before, so "momentanément" still vetoes and "non urgent" is still urgent.
 */
export function detectDesabo(subject: string, combined: string): DesaboResult {
  const b = normalizeText(combined);
  const s = normalizeText(subject);
  // Only the www form counts; https://dropbox.com/request/ does not (Appendix A).
  const hasDropboxRequest = combined.toLowerCase().includes('https://www.dropbox.com/request/');
  const required = b.includes('journee') && b.includes('tarifs habituels') && (b.includes('desabonn') || s.includes('desabonn') || hasDropboxRequest);
  const vetoed = FORBIDDEN.some((w) => b.includes(w));
  const urgent = s.includes('urgent') || s.includes('urgence') || b.includes('urgent') || b.includes('urgence');
  return { matches: required && !vetoed, urgent, hasDropboxRequest };
}

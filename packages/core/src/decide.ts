import { buildPayload } from './build-payload.js';
import { takeCodePoints } from './code-points.js';
import { detectDesabo } from './detect-desabo.js';
import { detectRecadrage } from './detect-recadrage.js';
import { extractDeliveryLinks } from './extract-delivery-links.js';
import { isWithinWindow } from './is-within-window.js';
import { toLocal } from './local-time.js';
import { MASK_MARGIN, maskPersonalData } from './mask-personal-data.js';
import { isReplyOrForward } from './reply-filter.js';
import type { Decision, DecisionContext, Detector, EmailHeaders } from './types.js';
import { windowPayloadStrings } from './window-payload-strings.js';

const PREVIEW_CODE_POINTS = 200;

/**
 * The per-email pipeline of §5 without I/O, with DECISIONS applied: the allowlist is enforced (#1),
 * a trimmed subject decides replies (#11), WeTransfer counts as a provider (#15), and the content
 * is masked and capped (Privacy). Offloading and sending belong to the callers.
 */
export function decide(headers: EmailHeaders, body: { text: string; html: string }, ctx: DecisionContext): Decision {
  const emailId = headers.emailId;

  // Entries are documented as lower-cased; normalising again costs nothing and avoids a silent
  // mismatch if a caller forgets.
  if (ctx.senderAllowlist.length > 0 && !ctx.senderAllowlist.some((a) => a.trim().toLowerCase() === headers.senderEmail)) {
    return { action: 'skip', emailId, reason: 'sender_not_allowlisted' };
  }
  if (isReplyOrForward(headers.subject)) {
    return { action: 'skip', emailId, reason: 'reply_or_forward' };
  }

  // Exactly one "\n" between the sides, even when one is empty (§4.2).
  const combined = `${body.text}\n${body.html}`;
  const nowLocal = toLocal(ctx.now, ctx.timezone);
  const within = isWithinWindow(nowLocal, ctx.window);
  const links = extractDeliveryLinks(combined);

  let detector: Detector | null = null;
  let urgent = false;
  const deliveryTime = detectRecadrage(headers.subject, combined, nowLocal);
  if (deliveryTime !== null) {
    detector = 'recadrage';
  } else {
    const desabo = detectDesabo(headers.subject, combined);
    if (desabo.matches) {
      detector = 'desabonnement_journee_tarifs';
      urgent = desabo.urgent;
    }
  }

  const desaboNonUrgent = detector === 'desabonnement_journee_tarifs' && !urgent;
  if (!within && !desaboNonUrgent) {
    return detector ? { action: 'skip', emailId, reason: 'outside_window', detector } : { action: 'skip', emailId, reason: 'outside_window' };
  }

  if (links.length === 0 && !ctx.allowWithoutLinks) {
    return detector ? { action: 'skip', emailId, reason: 'no_delivery_links', detector } : { action: 'skip', emailId, reason: 'no_delivery_links' };
  }

  // Only what can leave is masked: the cap plus a margin longer than any address or phone number,
  // so a cut can never leave half of one unmasked; then the cap itself.
  let content = combined;
  if (ctx.contentMaxChars !== null) content = takeCodePoints(content, Math.max(0, ctx.contentMaxChars) + MASK_MARGIN);
  if (ctx.maskContent) content = maskPersonalData(content);
  if (ctx.contentMaxChars !== null) content = takeCodePoints(content, Math.max(0, ctx.contentMaxChars));

  const payload = buildPayload({
    headers,
    bodyPreview: takeCodePoints(content, PREVIEW_CODE_POINTS),
    emailContent: content,
    windowStrings: windowPayloadStrings(nowLocal, ctx.window, within, desaboNonUrgent),
    detector,
    deliveryTime,
    links,
  });
  return { action: 'send', emailId, payload };
}

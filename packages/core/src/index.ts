export type {
  Decision,
  DecisionContext,
  DeliveryLink,
  Detector,
  EmailHeaders,
  Provider,
  SkipReason,
  WebhookPayload,
} from './types.js';
export { readEmailHeaders, parseRawHeaders } from './read-email-headers.js';
export { decodeSubject, pythonDecodeHeader } from './decode-subject.js';
export { decodeBytes } from './decode-charset.js';
export { computeEmailId } from './email-id.js';
export { extractSenderEmail } from './sender-address.js';
export { decide } from './decide.js';
export { buildPayload } from './build-payload.js';
export type { PayloadParts } from './build-payload.js';
export { isReplyOrForward, stripReplyPrefixes } from './reply-filter.js';
export { extractDeliveryLinks, isDropboxPreviewAsset, providerLinkRegex } from './extract-delivery-links.js';
export { extractDeliveryTime } from './extract-delivery-time.js';
export { detectRecadrage, hasRecadrageLink, isRecadrageSubject } from './detect-recadrage.js';
export { detectDesabo } from './detect-desabo.js';
export type { DesaboResult } from './detect-desabo.js';
export { parseTimeHhmm } from './parse-time-hhmm.js';
export type { TimeOfDay } from './parse-time-hhmm.js';
export { isWithinWindow, isBeforeWindowStart, nextWindowStart } from './is-within-window.js';
export { windowPayloadStrings } from './window-payload-strings.js';
export type { WindowPayloadStrings } from './window-payload-strings.js';
export { toLocal } from './local-time.js';
export { normalizeSourceUrl } from './normalize-source-url.js';
export { r2ObjectKey } from './r2-object-key.js';
export { htmlUnescape } from './html-unescape.js';
export { maskEmail } from './mask-email.js';
export { maskSubject } from './mask-subject.js';
export { maskPersonalData } from './mask-personal-data.js';
export { normalizeText, lightNormalize } from './normalize-text.js';
export { takeCodePoints } from './code-points.js';
export { pollingState, type PollingSchedule, type PollingState } from './polling-schedule.js';

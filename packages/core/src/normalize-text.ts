import { collapsePySpace, pyStrip } from './python-regex.js';

// Python's unicodedata.combining(c) != 0 is close to "non-spacing mark"; spacing marks (Mc) have
// combining class 0 in most scripts and are kept by the original, so only Mn is dropped.
const NON_SPACING_MARKS = /\p{Mn}/gu;

/** The recadrage subject check's light variant: NFD, drop marks, lower-case, no whitespace collapse (§6). */
export function lightNormalize(s: string): string {
  return s.normalize('NFD').replace(NON_SPACING_MARKS, '').toLowerCase();
}

/** norm(s) of §6: light normalisation, then whitespace runs collapsed to one space and trimmed. */
export function normalizeText(s: string): string {
  return pyStrip(collapsePySpace(lightNormalize(s)));
}

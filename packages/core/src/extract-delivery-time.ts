import { Duration } from 'luxon';
import type { DateTime } from 'luxon';
import { lightNormalize } from './normalize-text.js';
import { PY_DIGIT as D, PY_SPACE as S, PY_WB_AFTER, PY_WB_BEFORE, digitsToInt } from './python-regex.js';

// The cascade of §6.2, with Python's Unicode \s, \d and \b spelled out (§15). `(?:à|a)` has no
// word boundary in the original, so "la faire pour" matches too; that is kept.
const A = '(?:à|a)';
const FAIRE_POUR = `${A}${S}+faire${S}+pour${S}+`;
const DATE = `le${S}+(${D}{1,2})/(${D}{1,2})/(${D}{4})${S}+${A}${S}+(?:${A}${S}+)?`;
const flags = 'iu';

const STEPS: { re: RegExp; withDate: boolean }[] = [
  { re: new RegExp(`${FAIRE_POUR}${DATE}(${D}{1,2})h(${D}{0,2})`, flags), withDate: true },
  { re: new RegExp(`${FAIRE_POUR}${DATE}(${D}{1,2}):(${D}{2})`, flags), withDate: true },
  { re: new RegExp(`${FAIRE_POUR}(?:${A}${S}+)?(${D}{1,2})h(${D}{0,2})`, flags), withDate: false },
  { re: new RegExp(`${FAIRE_POUR}(?:${A}${S}+)?(${D}{1,2}):(${D}{2})`, flags), withDate: false },
  { re: new RegExp(`${PY_WB_BEFORE}(${D}{1,2})h(${D}{0,2})${PY_WB_AFTER}`, flags), withDate: false },
  { re: new RegExp(`${PY_WB_BEFORE}(${D}{1,2}):(${D}{2})${PY_WB_AFTER}`, flags), withDate: false },
];

const URGENCE = new RegExp(`${PY_WB_BEFORE}urgence${PY_WB_AFTER}`, 'u');

function pad2(digits: string | undefined): string {
  // f"{int(x):02d}" with empty minutes meaning 0; no range check on purpose (§6.2)
  return String(digitsToInt(digits ?? '')).padStart(2, '0');
}

function hhmm(h: string | undefined, m: string | undefined): string {
  return `${pad2(h)}h${pad2(m)}`;
}

/**
 * Delivery time of a recadrage order (§6.2): URGENCE in the subject means one hour from now in
 * the polling zone; otherwise the first form of the cascade that matches the combined body.
 */
export function extractDeliveryTime(subject: string, combined: string, nowLocal: DateTime): string | null {
  if (URGENCE.test(lightNormalize(subject))) {
    const t = nowLocal.plus(Duration.fromObject({ hours: 1 }));
    return `${String(t.hour).padStart(2, '0')}h${String(t.minute).padStart(2, '0')}`;
  }
  for (const { re, withDate } of STEPS) {
    const m = re.exec(combined);
    if (!m) continue;
    if (withDate) {
      const year = String(digitsToInt(m[3] ?? '')).padStart(4, '0');
      return `le ${pad2(m[1])}/${pad2(m[2])}/${year} à ${hhmm(m[4], m[5])}`;
    }
    return hhmm(m[1], m[2]);
  }
  return null;
}

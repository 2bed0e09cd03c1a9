import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { decide } from '../src/decide.js';
import { extractDeliveryTime } from '../src/extract-delivery-time.js';
import { isWithinWindow } from '../src/is-within-window.js';
import { toLocal } from '../src/local-time.js';
import type { DecisionContext, EmailHeaders } from '../src/types.js';

// Properties of the delivery time (§6.2) and the window (§8.2). The expected local times come from
// plain UTC arithmetic with the zone rules written out below, not from luxon or Intl, so a wrong
// zone conversion in the code under test cannot agree with its own oracle.

const SEED = 6_2_8_2;
const HOUR = 3_600_000;
const MINUTE = 60_000;

// ---------------------------------------------------------------------------------------------
// Independent zone model

/** Day of the month of the last Sunday of `month` (0-based) in `year`. */
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month + 1, 0));
  return last.getUTCDate() - last.getUTCDay();
}

/**
 * Europe/Paris since 1996: CET (+1 h), and CEST (+2 h) from the last Sunday of March 01:00 UTC to
 * the last Sunday of October 01:00 UTC (EU rule, projected forward by tzdata as well).
 */
function parisOffsetMs(ms: number): number {
  const year = new Date(ms).getUTCFullYear();
  const start = Date.UTC(year, 2, lastSunday(year, 2), 1);
  const end = Date.UTC(year, 9, lastSunday(year, 9), 1);
  return ms >= start && ms < end ? 2 * HOUR : HOUR;
}

interface Zone {
  name: string;
  offsetMs(ms: number): number;
}

const PARIS: Zone = { name: 'Europe/Paris', offsetMs: parisOffsetMs };
// POSIX sign: Etc/GMT+5 is five hours behind UTC.
const etc = (n: number): Zone => ({ name: n === 0 ? 'Etc/GMT' : `Etc/GMT${n > 0 ? '+' : '-'}${Math.abs(n)}`, offsetMs: () => -n * HOUR });
const ETC_ZONES = Array.from({ length: 27 }, (_v, i) => etc(i - 14)); // Etc/GMT-14 … Etc/GMT+12
const ZONES: Zone[] = [PARIS, ...ETC_ZONES];

interface Wall {
  hour: number;
  minute: number;
  second: number;
  ms: number;
}

function wall(ms: number, zone: Zone): Wall {
  const d = new Date(ms + zone.offsetMs(ms));
  return { hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), ms: d.getUTCMilliseconds() };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');
const hhmm = (w: Wall): string => `${pad2(w.hour)}h${pad2(w.minute)}`;

// ---------------------------------------------------------------------------------------------
// Generators

const zoneArb = fc.constantFrom(...ZONES);
// 1996–2099: the span the Paris model above is exact for.
const instantArb = fc.integer({ min: Date.UTC(1996, 0, 1), max: Date.UTC(2099, 11, 31, 23, 59, 59, 999) });

/** Instants from 00:00 to 04:00 Paris wall time (either offset) on the 2026 change days. */
const DST_DAYS: { name: string; from: number; to: number; skipped: RegExp | null }[] = [
  { name: '2026-03-29 (spring forward)', from: Date.UTC(2026, 2, 28, 22), to: Date.UTC(2026, 2, 29, 3), skipped: /^02h/ },
  { name: '2026-10-25 (fall back)', from: Date.UTC(2026, 9, 24, 22), to: Date.UTC(2026, 9, 25, 3), skipped: null },
];
const dstInstantArb = fc.oneof(...DST_DAYS.map((d) => fc.integer({ min: d.from, max: d.to })));

const SUBJECT = 'Média Solution - Missions Recadrage - Lot 4127';
const LINK = 'https://www.dropbox.com/scl/fo/abc/def?dl=0';

function headers(subject: string): EmailHeaders {
  return { messageId: '<p@example.org>', subject, date: '', from: 'planning@example.org', senderEmail: 'planning@example.org', emailId: '0'.repeat(32) };
}

function ctx(now: number, timezone: string, window: { start?: string; end?: string } = {}): DecisionContext {
  return { now: new Date(now), timezone, senderAllowlist: [], window, allowWithoutLinks: false, maskContent: false, contentMaxChars: null };
}

/** delivery_time of the payload decide() builds, or the skip reason. */
function deliveryTimeVia(subject: string, body: string, c: DecisionContext): string | undefined {
  const d = decide(headers(subject), { text: body, html: '' }, c);
  if (d.action !== 'send') throw new Error(`skipped: ${d.reason}`);
  return d.payload.delivery_time;
}

// ---------------------------------------------------------------------------------------------

describe('URGENCE = local now + 1 h (§6.2)', () => {
  it('any instant, any fixed-offset zone or Paris: the wall clock one real hour later, HHhMM', () => {
    fc.assert(
      fc.property(instantArb, zoneArb, (now, zone) => {
        const want = hhmm(wall(now + HOUR, zone));
        expect(extractDeliveryTime(`${SUBJECT} URGENCE`, 'à faire pour 16h00', toLocal(new Date(now), zone.name))).toBe(want);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('through decide(): the payload carries it and the body time is ignored', () => {
    fc.assert(
      fc.property(instantArb, zoneArb, fc.constantFrom(' URGENCE', ' - Urgence !', ' (urgence)', ' URGENCE:'), (now, zone, tag) => {
        expect(deliveryTimeVia(`${SUBJECT}${tag}`, `à faire pour 16h00 ${LINK}`, ctx(now, zone.name))).toBe(hhmm(wall(now + HOUR, zone)));
      }),
      { seed: SEED + 1, numRuns: 1000 },
    );
  });

  it.each(DST_DAYS)('Paris on $name, 00:00–04:00: the real hour later, never a wall time that does not exist', ({ from, to, skipped }) => {
    // the first and the last millisecond of every minute, so both sides of the change and of
    // every minute boundary are covered exhaustively
    for (let minute = from; minute <= to; minute += MINUTE) {
      for (const now of [minute, minute + MINUTE - 1]) {
        const got = extractDeliveryTime(`${SUBJECT} URGENCE`, '', toLocal(new Date(now), 'Europe/Paris'));
        expect(got).toBe(hhmm(wall(now + HOUR, PARIS)));
        if (skipped) expect(got).not.toMatch(skipped);
      }
    }
  });

  it('Paris around the changes, pinned', () => {
    const at = (iso: string): string | null => extractDeliveryTime(`${SUBJECT} URGENCE`, '', toLocal(new Date(iso), 'Europe/Paris'));
    expect(at('2026-03-29T00:59:00Z')).toBe('03h59'); // 01:59 CET → 02:59 CET does not exist → 03:59 CEST
    expect(at('2026-03-29T01:00:00Z')).toBe('04h00'); // 03:00 CEST
    expect(at('2026-10-25T00:30:00Z')).toBe('02h30'); // 02:30 CEST → 02:30 CET, the same wall time an hour later
    expect(at('2026-10-24T23:59:00Z')).toBe('02h59'); // 01:59 CEST → 02:59 CEST
    expect(at('2026-10-25T01:00:00Z')).toBe('03h00'); // 02:00 CET → 03:00 CET
  });

  it('seconds do not round the minute up', () => {
    fc.assert(
      fc.property(instantArb, zoneArb, (now, zone) => {
        const start = now - (now % MINUTE);
        const a = extractDeliveryTime(`${SUBJECT} URGENCE`, '', toLocal(new Date(start), zone.name));
        const b = extractDeliveryTime(`${SUBJECT} URGENCE`, '', toLocal(new Date(start + MINUTE - 1), zone.name));
        expect(b).toBe(a);
      }),
      { seed: SEED + 2, numRuns: 500 },
    );
  });

  it('an unknown zone name means UTC', () => {
    fc.assert(
      fc.property(instantArb, fc.constantFrom('Not/AZone', '', '  ', 'utc', 'UTC', 'Europe/Pariss'), (now, name) => {
        expect(extractDeliveryTime(`${SUBJECT} URGENCE`, '', toLocal(new Date(now), name))).toBe(hhmm(wall(now + HOUR, etc(0))));
      }),
      { seed: SEED + 3, numRuns: 300 },
    );
  });

  it('only the whole word counts: urgences, urgent or a glued word fall back to the body time', () => {
    const now = toLocal(new Date('2026-01-13T09:15:00Z'), 'Europe/Paris');
    fc.assert(
      fc.property(fc.constantFrom('urgences', 'urgent', 'xurgence', 'urgence2', 'urgence_', 'durgence'), fc.integer({ min: 0, max: 23 }), (word, h) => {
        expect(extractDeliveryTime(`${SUBJECT} ${word}`, `à faire pour ${h}h`, now)).toBe(`${pad2(h)}h00`);
      }),
      { seed: SEED + 4, numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

// Zero of a few decimal-digit runs (Unicode category Nd), astral ones included; Python's \d and
// int() read all of them, and the output is always ASCII.
const DIGIT_ZEROS = [0x30, 0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0x1040, 0xff10, 0x104a0, 0x1d7ce, 0x1d7d8, 0x1d7f6, 0x1fbf0];
const digitsArb = (min: number, max: number): fc.Arbitrary<{ text: string; value: number }> =>
  fc
    .tuple(fc.constantFrom(...DIGIT_ZEROS), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }))
    .map(([zero, ds]) => ({ text: ds.map((d) => String.fromCodePoint(zero + d)).join(''), value: ds.reduce((v, d) => v * 10 + d, 0) }));

const NOW = toLocal(new Date('2026-01-13T09:15:00Z'), 'Europe/Paris');
const time = (body: string): string | null => extractDeliveryTime(SUBJECT, body, NOW);
// Filler that can hold no time of its own: no digits, no "h" after a digit, no colon.
const filler = fc.stringMatching(/^[a-gi-zàéè ,.'\n]{0,30}$/);

describe('extracted times (§6.2)', () => {
  it('any 1–2 digit hour and 0–2 digit minutes, in any digit script: zero-padded ASCII, no range check', () => {
    fc.assert(
      fc.property(filler, digitsArb(1, 2), digitsArb(0, 2), fc.constantFrom('à faire pour ', 'A FAIRE POUR ', 'a faire pour à ', 'vers ', ''), (before, h, m, lead) => {
        expect(time(`${before} ${lead}${h.text}h${m.text} merci`)).toBe(`${pad2(h.value)}h${pad2(m.value)}`);
      }),
      { seed: SEED + 5, numRuns: 2000 },
    );
  });

  it('the colon form needs two minute digits and pads the hour', () => {
    fc.assert(
      fc.property(filler, digitsArb(1, 2), digitsArb(2, 2), fc.constantFrom('à faire pour ', 'vers ', ''), (before, h, m, lead) => {
        expect(time(`${before} ${lead}${h.text}:${m.text} merci`)).toBe(`${pad2(h.value)}h${pad2(m.value)}`);
        expect(time(`${before} ${lead}${h.text}:${Array.from(m.text)[0] ?? ''} merci`)).toBeNull();
      }),
      { seed: SEED + 6, numRuns: 1000 },
    );
  });

  it('the date form pads day and month, keeps a 4-digit year, and beats an earlier time-only order', () => {
    fc.assert(
      fc.property(digitsArb(1, 2), digitsArb(1, 2), digitsArb(4, 4), digitsArb(1, 2), digitsArb(0, 2), fc.integer({ min: 0, max: 23 }), (d, mo, y, h, m, early) => {
        const want = `le ${pad2(d.value)}/${pad2(mo.value)}/${String(y.value).padStart(4, '0')} à ${pad2(h.value)}h${pad2(m.value)}`;
        expect(time(`à faire pour ${early}h puis à faire pour le ${d.text}/${mo.text}/${y.text} à ${h.text}h${m.text}`)).toBe(want);
      }),
      { seed: SEED + 7, numRuns: 1000 },
    );
  });

  it('fallback: an "h" time anywhere beats an earlier colon time ("RDV 8:45 puis 10h" → 10h00)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), filler, (h1, m1, h2, mid) => {
        expect(time(`RDV ${h1}:${pad2(m1)} ${mid} puis ${h2}h`)).toBe(`${pad2(h2)}h00`);
      }),
      { seed: SEED + 8, numRuns: 500 },
    );
  });

  it('"à faire pour" beats a fallback time that comes earlier; the first match wins within a step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 23 }), (a, b, c) => {
        expect(time(`vers ${a}h, à faire pour ${b}h ou à faire pour ${c}h`)).toBe(`${pad2(b)}h00`);
        expect(time(`vers ${a}h30 ou ${b}h15`)).toBe(`${pad2(a)}h30`);
      }),
      { seed: SEED + 9, numRuns: 300 },
    );
  });

  it('no time: a blank before "h" (`à faire pour 14 h`), a 3-digit hour, or a number glued to a word', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 99 }), fc.constantFrom('a', 'Z', 'é', '_', 'ß', 'Ω'), (h, m, glue) => {
        expect(time(`à faire pour ${h} h`)).toBeNull();
        expect(time(`à faire pour ${h} h ${pad2(m)}`)).toBeNull();
        expect(time(`à faire pour ${100 + h}h${pad2(m)}`)).toBeNull();
        expect(time(`lot ${glue}${h}h${pad2(m)} ok`)).toBeNull();
        expect(time(`lot ${h}h${pad2(m)}${glue} ok`)).toBeNull();
        expect(time(`à faire pour ${h} : ${pad2(m)}`)).toBeNull();
      }),
      { seed: SEED + 10, numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------

/** §8.2 written out on the model's wall clock: unset/invalid bounds → always, start == end → never. */
function modelWithin(w: Wall, start: { hour: number; minute: number } | null, end: { hour: number; minute: number } | null): boolean {
  if (!start || !end) return true;
  const t = w.hour * 3600 + w.minute * 60 + w.second + w.ms / 1000;
  const s = start.hour * 3600 + start.minute * 60;
  const e = end.hour * 3600 + end.minute * 60;
  return s <= e ? s <= t && t < e : t >= s || t < e;
}

/** A bound in one of the accepted spellings, with what it means (null when it is not valid). */
const boundArb: fc.Arbitrary<{ text: string; tod: { hour: number; minute: number } | null }> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom('h', 'H', ':'), fc.boolean(), fc.constantFrom('', ' ', '  ')).map(([hour, minute, sep, padHour, blank]) => ({
    text: `${blank}${padHour ? pad2(hour) : String(hour)}${sep}${pad2(minute)}${blank}`,
    tod: { hour, minute },
  })) },
  { weight: 2, arbitrary: fc.constantFrom('9h', '24:00', '12h60', '9:5', '7h30m', '1h2h', 'x', '').map((text) => ({ text, tod: null })) },
);

describe('isWithinWindow (§8.2)', () => {
  it('any instant, any fixed-offset zone or Paris, any bounds: the rule on the local wall clock', () => {
    fc.assert(
      fc.property(fc.oneof(instantArb, dstInstantArb), zoneArb, boundArb, boundArb, (now, zone, start, end) => {
        const got = isWithinWindow(toLocal(new Date(now), zone.name), { start: start.text, end: end.text });
        expect(got).toBe(modelWithin(wall(now, zone), start.tod, end.tod));
      }),
      { seed: SEED + 11, numRuns: 5000 },
    );
  });

  it('a window opens at its start to the millisecond and closes at its end, across DST days too', () => {
    fc.assert(
      fc.property(fc.oneof(instantArb, dstInstantArb), zoneArb, (now, zone) => {
        const w = wall(now, zone);
        // offsets are whole hours, so the wall minute starts at a whole UTC minute
        const minuteStart = now - w.second * 1000 - w.ms;
        const nextMinute = (w.hour * 60 + w.minute + 1) % (24 * 60);
        const window = { start: hhmm(w), end: `${pad2(Math.floor(nextMinute / 60))}h${pad2(nextMinute % 60)}` };
        const within = (ms: number): boolean => isWithinWindow(toLocal(new Date(ms), zone.name), window);
        expect(within(minuteStart - 1)).toBe(false);
        expect(within(minuteStart)).toBe(true);
        expect(within(minuteStart + MINUTE - 1)).toBe(true);
        expect(within(minuteStart + MINUTE)).toBe(false);
      }),
      { seed: SEED + 12, numRuns: 1000 },
    );
  });

  it('Paris, 2026-03-29: a window on the skipped hour 02h00–03h00 is never open that day', () => {
    let open = 0;
    for (let now = Date.UTC(2026, 2, 28, 23); now < Date.UTC(2026, 2, 29, 22); now += MINUTE) {
      if (isWithinWindow(toLocal(new Date(now), 'Europe/Paris'), { start: '02h00', end: '03h00' })) open += 1;
    }
    expect(open).toBe(0);
  });

  it('Paris, 2026-10-25: a window on the repeated hour 02h00–02h30 is open twice (60 real minutes)', () => {
    let open = 0;
    for (let now = Date.UTC(2026, 9, 24, 22); now < Date.UTC(2026, 9, 25, 23); now += MINUTE) {
      if (isWithinWindow(toLocal(new Date(now), 'Europe/Paris'), { start: '02h00', end: '02h30' })) open += 1;
    }
    expect(open).toBe(60);
  });

  it.each([
    ['2026-03-29', 23, Date.UTC(2026, 2, 28, 23), Date.UTC(2026, 2, 29, 22)],
    ['2026-10-25', 25, Date.UTC(2026, 9, 24, 22), Date.UTC(2026, 9, 25, 23)],
  ])('Paris, %s (a %i-hour day): 09h00–19h00 is open 600 real minutes, 22h00–06h00 the rest', (_day, hours, from, to) => {
    expect((to - from) / HOUR).toBe(hours);
    let day = 0;
    let night = 0;
    for (let now = from; now < to; now += MINUTE) {
      const local = toLocal(new Date(now), 'Europe/Paris');
      if (isWithinWindow(local, { start: '09h00', end: '19h00' })) day += 1;
      if (isWithinWindow(local, { start: '22h00', end: '06h00' })) night += 1;
    }
    expect(day).toBe(600);
    // 22:00–24:00 plus 00:00–06:00 of wall time, minus the skipped or plus the repeated hour
    expect(night).toBe((8 + (hours - 24)) * 60);
  });

  it('decide() skips a recadrage outside the window and sends it inside, on DST days too', () => {
    fc.assert(
      fc.property(dstInstantArb, boundArb, boundArb, (now, start, end) => {
        const c = ctx(now, 'Europe/Paris', { start: start.text, end: end.text });
        const d = decide(headers(SUBJECT), { text: `à faire pour 11h51 ${LINK}`, html: '' }, c);
        const within = modelWithin(wall(now, PARIS), start.tod, end.tod);
        expect(d.action).toBe(within ? 'send' : 'skip');
        if (d.action === 'skip') expect(d).toMatchObject({ reason: 'outside_window', detector: 'recadrage' });
        else expect(d.payload.delivery_time).toBe('11h51');
      }),
      { seed: SEED + 13, numRuns: 1000 },
    );
  });
});

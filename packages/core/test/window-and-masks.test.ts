import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { isWithinWindow } from '../src/is-within-window.js';
import { windowPayloadStrings } from '../src/window-payload-strings.js';
import { toLocal } from '../src/local-time.js';
import { maskEmail } from '../src/mask-email.js';
import { maskSubject } from '../src/mask-subject.js';
import { maskPersonalData } from '../src/mask-personal-data.js';

const at = (hms: string): DateTime => DateTime.fromISO(`2026-01-13T${hms}`, { zone: 'Europe/Paris' });

describe('window (§8.2)', () => {
  const w = { start: '09h00', end: '19h00' };
  it.each([
    ['08:59:59', false],
    ['09:00:00', true],
    ['18:59:59', true],
    ['19:00:00', false],
  ])('%s within 09h00–19h00: %s', (t, want) => {
    expect(isWithinWindow(at(t), w)).toBe(want);
  });
  it('start == end is never within', () => {
    expect(isWithinWindow(at('12:00:00'), { start: '12h00', end: '12h00' })).toBe(false);
  });
  it('wraps over midnight', () => {
    const night = { start: '22h00', end: '06h00' };
    expect(isWithinWindow(at('23:00:00'), night)).toBe(true);
    expect(isWithinWindow(at('05:59:00'), night)).toBe(true);
    expect(isWithinWindow(at('12:00:00'), night)).toBe(false);
  });
  it('unset or invalid bounds mean always', () => {
    expect(isWithinWindow(at('03:00:00'), {})).toBe(true);
    expect(isWithinWindow(at('03:00:00'), { start: '9h', end: '19h00' })).toBe(true);
  });
  it('uses the polling zone, UTC for a bad name', () => {
    const now = new Date('2026-01-13T09:15:00Z');
    expect(toLocal(now, 'Europe/Paris').hour).toBe(10);
    expect(toLocal(now, 'Not/AZone').hour).toBe(9);
    expect(toLocal(now, 'utc').hour).toBe(9);
  });
});

describe('payload window strings (§8.3)', () => {
  it('within → maintenant + end', () => {
    expect(windowPayloadStrings(at('10:15'), { start: '09h00', end: '19h00' }, true, false)).toEqual({ webhooks_time_start: 'maintenant', webhooks_time_end: '19h00' });
  });
  it('DESABO non-urgent before the start → the start string', () => {
    expect(windowPayloadStrings(at('10:00'), { start: '12h00', end: '19h00' }, false, true)).toEqual({ webhooks_time_start: '12h00', webhooks_time_end: '19h00' });
  });
  it('after the end → only the end', () => {
    expect(windowPayloadStrings(at('20:30'), { start: '09h00', end: '19h00' }, false, true)).toEqual({ webhooks_time_end: '19h00' });
  });
  it('no window → no keys', () => {
    expect(windowPayloadStrings(at('20:30'), {}, true, false)).toEqual({});
  });
  it('an unparsable start drops the start key but keeps the end', () => {
    expect(windowPayloadStrings(at('10:00'), { start: '9h', end: '19h00' }, true, false)).toEqual({ webhooks_time_end: '19h00' });
  });
});

describe('masks (§13)', () => {
  it.each([
    ['b.vasseur@studio-lumiere.example.com', 'b***@studio-lumiere.example.com'],
    ['nope', '***'],
    ['@x', '***'],
    ['x@', '***'],
    ['', ''],
    ['  a@b.example ', 'a***@b.example'],
  ])('maskEmail(%j) = %j', (v, want) => {
    expect(maskEmail(v)).toBe(want);
  });
  it.each([
    ['Média Solution - Missions Recadrage - Lot 4127', 'Média Solution -... [07d2ec]'],
    ['   ', '(empty)... [e3b0c4]'],
    ['', ''],
  ])('maskSubject(%j) = %j', (v, want) => {
    expect(maskSubject(v)).toBe(want);
  });

  it('masks addresses and phone numbers in text', () => {
    expect(maskPersonalData('Écrire à jeanne.martin@example.net ou au 01 99 00 12 34.')).toBe('Écrire à j***@example.net ou au ** ** ** ** 34.');
    expect(maskPersonalData('+33 1 99 00 12 34 / +33 (0)1 99 00 12 34 / 0199001234 / 01.99.00.12.34')).toBe(
      '+** * ** ** ** 34 / +** (*)* ** ** ** 34 / ********34 / **.**.**.**.34',
    );
  });

  it('leaves times, dates, lot numbers and URLs alone', () => {
    const text = 'À faire pour 11h51, le 13/01/2026 (lot 4127) https://wetransfer.com/downloads/3c9f1e7a2b5d8c4e6f0a1b3d5e7f9a2c20260113091500/8d2f4b ?id=0199001234';
    expect(maskPersonalData(text)).toBe(text);
  });
});

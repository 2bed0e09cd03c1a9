import { describe, expect, it } from '@jest/globals';
import { computeEmailId } from '../src/email-id.js';
import { normalizeSourceUrl } from '../src/normalize-source-url.js';
import { r2ObjectKey } from '../src/r2-object-key.js';
import { isReplyOrForward, stripReplyPrefixes } from '../src/reply-filter.js';
import { parseTimeHhmm } from '../src/parse-time-hhmm.js';
import { detectDesabo } from '../src/detect-desabo.js';
import type { Provider } from '../src/types.js';

// Vectors computed with the original code (reference, Appendix A and §10.1).

describe('email id', () => {
  it('is md5 of "Message-ID|subject|Date"', () => {
    expect(
      computeEmailId(
        '<20260113095812.4127.b.vasseur@studio-lumiere.example.com>',
        'Média Solution - Missions Recadrage - Lot 4127',
        'Tue, 13 Jan 2026 09:58:12 +0100',
      ),
    ).toBe('fd4b3273456b8e9b0bb6fb2427a8d887');
  });
});

describe('Dropbox normalisation and R2 object keys', () => {
  const table: [Provider, string, string, string][] = [
    ['dropbox', 'https://www.dropbox.com/s/p4l9m2n8b5v1c7x3/Lot4130_retouches.zip?dl=0', 'https://www.dropbox.com/s/p4l9m2n8b5v1c7x3/Lot4130_retouches.zip?dl=1', 'dropbox/3b31e708/43a39f3a/Lot4130_retouches.zip'],
    ['dropbox', 'https://www.dropbox.com/scl/fi/a1s2d3f4g5h6j7k8l9z0x/planche%20contact.pdf?rlkey=q1&dl=0', 'https://www.dropbox.com/scl/fi/a1s2d3f4g5h6j7k8l9z0x/planche%20contact.pdf?dl=1&rlkey=q1', 'dropbox/c8ab1603/66c52b0b/planche contact.pdf'],
    ['dropbox', 'https://www.dropbox.com/scl/fo/abc/def?rlkey=&dl=0', 'https://www.dropbox.com/scl/fo/abc/def?dl=1&rlkey=', 'dropbox/38b24fda/910adbeb/file'],
    ['dropbox', 'https://www.dropbox.com/request/Rq7Lm3Xv9Tz2Kb5Nw8Hd', 'https://www.dropbox.com/request/Rq7Lm3Xv9Tz2Kb5Nw8Hd?dl=1', 'dropbox/af65ce19/ff10e3b5/file'],
    ['swisstransfer', 'https://www.swisstransfer.com/d/0b7e2c94-51af-4f3e-9c2d-7a8e6b4f1d05', 'https://www.swisstransfer.com/d/0b7e2c94-51af-4f3e-9c2d-7a8e6b4f1d05', 'swisstransfer/df81c65d/7f1291f9/file'],
    ['fromsmash', 'https://fromsmash.com/Lot4131-Kx7Qp2?x=1&amp;y=2', 'https://fromsmash.com/Lot4131-Kx7Qp2?x=1&y=2', 'fromsmash/19585404/9f033323/file'],
    ['dropbox', 'http://WWW.Dropbox.com:443//scl/fo/abc/def/?dl=0&rlkey=K1&amp;st=zz&e=&rlkey=K1#frag', 'https://www.dropbox.com/scl/fo/abc/def?dl=1&rlkey=K1&st=zz', 'dropbox/989948b3/c5bbd79f/file'],
  ];
  it.each(table)('%s %s', (provider, input, normalised, key) => {
    const got = normalizeSourceUrl(input, provider);
    expect(got).toBe(normalised);
    expect(r2ObjectKey(got, provider)).toBe(key);
  });

  it('unwraps a percent-encoded link and amp%3B', () => {
    expect(normalizeSourceUrl('https%3A%2F%2Fwww.dropbox.com%2Fs%2Fabc%2Ff.zip%3Fdl%3D0amp%3Brlkey%3Dk', 'dropbox')).toBe(
      'https://www.dropbox.com/s/abc/f.zip?dl=1&rlkey=k',
    );
  });
});

describe('reply filter', () => {
  it.each([
    ['RE: x', 'x'],
    ['Re : Fwd: x', 'x'],
    ['TR: x', 'x'],
    ['RV: x', 'x'],
    ['Fw:x', 'x'],
    ['RE:RE: x', 'x'],
    ['Confirmation : Lot 4', 'Lot 4'],
  ])('%s is a reply (stripped to %s)', (subject, stripped) => {
    expect(stripReplyPrefixes(subject)).toBe(stripped);
    expect(isReplyOrForward(subject)).toBe(true);
  });

  it.each(['AW: x', 'Réf: x', 'REPLY: x', 're x'])('%s is not a reply', (subject) => {
    expect(isReplyOrForward(subject)).toBe(false);
  });

  it('whitespace around a subject no longer makes a reply (DECISIONS #11)', () => {
    // the original treated both as replies
    expect(isReplyOrForward('x  ')).toBe(false);
    expect(isReplyOrForward(' x')).toBe(false);
    expect(isReplyOrForward('Média Solution - Missions Recadrage - Lot 4127 ')).toBe(false);
    expect(isReplyOrForward(' RE: x ')).toBe(true);
  });
});

describe('parse_time_hhmm', () => {
  it.each(['09h00', '9h00', '12H30', ' 07h30 ', '23:59'])('%s is valid', (v) => {
    expect(parseTimeHhmm(v)).not.toBeNull();
  });
  it.each(['9h', '9:5', '24:00', '7h30m', '1h2h', '', '12:60'])('%s is invalid', (v) => {
    expect(parseTimeHhmm(v)).toBeNull();
  });
  it('parses the value', () => {
    expect(parseTimeHhmm('12H30')).toEqual({ hour: 12, minute: 30 });
  });
});

describe('DESABO', () => {
  const base = 'Bonjour, pour la journée aux tarifs habituels.';
  it('journée + tarifs habituels alone is not enough', () => {
    expect(detectDesabo('Info', base).matches).toBe(false);
  });
  it('a www Dropbox request link completes it', () => {
    expect(detectDesabo('Info', `${base} https://www.dropbox.com/request/abc`).matches).toBe(true);
  });
  it('a Dropbox request link without www does not', () => {
    expect(detectDesabo('Info', `${base} https://dropbox.com/request/abc`).matches).toBe(false);
  });
  it('non urgent counts as urgent', () => {
    const r = detectDesabo('Info', `${base} Je veux me désabonner, c'est non urgent`);
    expect(r).toMatchObject({ matches: true, urgent: true });
  });
  it('is accent, case and whitespace insensitive', () => {
    expect(detectDesabo('x', 'JOURNÉE TARIFS   HABITUELS DÉSABONNER').matches).toBe(true);
    expect(detectDesabo('x', 'journée tarifs\r\nhabituels désabonner').matches).toBe(true);
  });
  it('désabonner in the subject is enough', () => {
    expect(detectDesabo('Désabonnement', base).matches).toBe(true);
  });
  it.each(['référence client', 'Total HT', 'momentanément', 'pour le moment', 'facturé', 'annulation'])('%s vetoes', (word) => {
    expect(detectDesabo('x', `${base} désabonner ${word}`).matches).toBe(false);
  });
});

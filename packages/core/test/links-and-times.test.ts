import { describe, expect, it } from '@jest/globals';
import { DateTime } from 'luxon';
import { extractDeliveryLinks, isDropboxPreviewAsset } from '../src/extract-delivery-links.js';
import { extractDeliveryTime } from '../src/extract-delivery-time.js';
import { detectRecadrage, hasRecadrageLink } from '../src/detect-recadrage.js';
import { htmlUnescape } from '../src/html-unescape.js';

const NOW = DateTime.fromISO('2026-01-13T10:15:00', { zone: 'Europe/Paris' });

describe('delivery links (§7.1 with DECISIONS #14/#15)', () => {
  it('cuts trailing punctuation and quotes', () => {
    const text = `a https://fromsmash.com/X. b (https://we.tl/t-1) c <a href='https://www.swisstransfer.com/d/ID'>x</a> d https://www.dropbox.com/s/a/b.zip?dl=0, e "https://fromsmash.com/Q"! f https://fromsmash.com/Z!?;:]`;
    expect(extractDeliveryLinks(text).map((l) => l.raw_url)).toEqual([
      'https://fromsmash.com/X',
      'https://we.tl/t-1',
      'https://www.swisstransfer.com/d/ID',
      'https://www.dropbox.com/s/a/b.zip?dl=0',
      'https://fromsmash.com/Q',
      'https://fromsmash.com/Z',
    ]);
  });

  it('refuses look-alike hosts', () => {
    const text = [
      'https://dropbox.com.evil.example/x',
      'https://dropbox.com@evil.example/x',
      'https://dropbox.comevil.example/x',
      'https://dl.dropboxusercontent.com/x',
      'https://app.fromsmash.com/x',
      'https://evil-dropbox.com/x',
      'https://dropbox.com:evil/x',
      'https://wetransfer.com.evil.example/x',
    ].join(' ');
    expect(extractDeliveryLinks(text)).toEqual([]);
  });

  it('accepts the bare domain, www., a port and a host at the end of text', () => {
    const links = extractDeliveryLinks('https://dropbox.com/s/1 HTTPS://WWW.DROPBOX.COM/s/2 https://www.dropbox.com:443/s/3 https://fromsmash.com');
    expect(links.map((l) => l.raw_url)).toEqual(['https://dropbox.com/s/1', 'HTTPS://WWW.DROPBOX.COM/s/2', 'https://www.dropbox.com:443/s/3', 'https://fromsmash.com']);
    expect(links.every((l) => l.provider === (l.raw_url.includes('fromsmash') ? 'fromsmash' : 'dropbox'))).toBe(true);
  });

  it('labels WeTransfer links (wetransfer.com, we.tl)', () => {
    expect(extractDeliveryLinks('https://wetransfer.com/downloads/abc/def https://we.tl/t-Zq4')).toEqual([
      { provider: 'wetransfer', raw_url: 'https://wetransfer.com/downloads/abc/def' },
      { provider: 'wetransfer', raw_url: 'https://we.tl/t-Zq4' },
    ]);
  });

  it('labels by host, not by a provider name in the query', () => {
    expect(extractDeliveryLinks('https://fromsmash.com/x?from=dropbox.com')[0]?.provider).toBe('fromsmash');
  });

  it('unescapes &amp; (with or without ;) and deduplicates exact matches in order', () => {
    const text = 'https://www.dropbox.com/s/a?rlkey=1&dl=0\n<a href="https://www.dropbox.com/s/a?rlkey=1&amp;dl=0">x</a> https://www.dropbox.com/s/a?rlkey=1&ampdl=0 https://www.dropbox.com/s/a?rlkey=1&dl=1';
    expect(extractDeliveryLinks(text).map((l) => l.raw_url)).toEqual([
      'https://www.dropbox.com/s/a?rlkey=1&dl=0',
      'https://www.dropbox.com/s/a?rlkey=1&dl=1',
    ]);
  });

  it('skips Dropbox preview assets only', () => {
    expect(isDropboxPreviewAsset('https://www.dropbox.com/scl/fi/abc/MS.png?rlkey=x&raw=1')).toBe(true);
    expect(isDropboxPreviewAsset('https://www.dropbox.com/scl/fi/abc/logo-studio.jpg?raw=1')).toBe(true);
    expect(isDropboxPreviewAsset('https://www.dropbox.com/scl/fi/abc/photo.png?raw=1')).toBe(false);
    expect(isDropboxPreviewAsset('https://www.dropbox.com/scl/fi/abc/MS.png?dl=0')).toBe(false);
    expect(isDropboxPreviewAsset('https://www.dropbox.com/scl/fi/abc/logo.pdf?raw=1')).toBe(false);
    expect(isDropboxPreviewAsset('https://www.dropbox.com/s/abc/avatar.gif?raw=1')).toBe(false);
  });
});

describe('html unescape like Python html.unescape', () => {
  it.each([
    ['a&amp;b', 'a&b'],
    ['a&ampb', 'a&b'],
    ['&#39;&#x27;', "''"],
    ['&para=1', '\u00b6=1'],
    ['&unknown;', '&unknown;'],
    ['&#150;', '\u2013'],
  ])('%s', (input, want) => {
    expect(htmlUnescape(input)).toBe(want);
  });
});

describe('delivery time cascade (§6.2)', () => {
  const subject = 'Média Solution - Missions Recadrage - Lot 1';
  it.each([
    ['À faire pour 11h51', '11h51'],
    ['a faire pour 9h', '09h00'],
    ['à faire pour 9h5', '09h05'],
    ['à faire pour 9:05', '09h05'],
    ['à faire pour le 3/9/2025 à 9h', 'le 03/09/2025 à 09h00'],
    ['A FAIRE POUR LE 3/9/2025 A 14:30', 'le 03/09/2025 à 14h30'],
    ['à faire pour à 10h', '10h00'],
    ['RDV 8:45 puis 10h', '10h00'],
    ['vers 17h30.', '17h30'],
    ['à faire pour 25h99', '25h99'],
    ['à faire pour\u00a011h', '11h00'],
    ['la faire pour 7h77', '07h77'],
    ['no time', null],
    ['à faire pour 14 h', null],
  ])('%s → %s', (body, want) => {
    expect(extractDeliveryTime(subject, body, NOW)).toBe(want);
  });

  it('URGENCE in the subject means now + 1 h, ignoring the body', () => {
    expect(extractDeliveryTime(`${subject} URGENCE`, 'à faire pour 16h00', NOW)).toBe('11h15');
    expect(extractDeliveryTime(`${subject} - Urgence!`, '', NOW)).toBe('11h15');
    expect(extractDeliveryTime(`${subject} urgences`, 'à faire pour 16h00', NOW)).toBe('16h00');
    expect(extractDeliveryTime(`${subject} URGENCE`, '', DateTime.fromISO('2026-01-13T23:30:00', { zone: 'Europe/Paris' }))).toBe('00h30');
  });

  it('follows DST in the polling zone', () => {
    // 2026-03-29 01:30 Paris (CET) + 1 h = 03:30 CEST
    const beforeJump = DateTime.fromISO('2026-03-29T00:30:00Z').setZone('Europe/Paris');
    expect(extractDeliveryTime(`${subject} URGENCE`, '', beforeJump)).toBe('03h30');
  });
});

describe('recadrage detection', () => {
  it('needs a link, the subject and a time', () => {
    const s = 'Média Solution - Missions Recadrage - Lot 4';
    expect(detectRecadrage(s, 'à faire pour 9h https://fromsmash.com/x', NOW)).toBe('09h00');
    expect(detectRecadrage(s, 'à faire pour 9h', NOW)).toBeNull();
    expect(detectRecadrage('Hello', 'à faire pour 9h https://fromsmash.com/x', NOW)).toBeNull();
    expect(detectRecadrage(s, 'https://fromsmash.com/x', NOW)).toBeNull();
  });
  it('accepts the light-normalised subject words in any order', () => {
    expect(detectRecadrage('LOT 3 — MISSIONS RECADRAGE pour MEDIA SOLUTION', 'à faire pour 9h https://fromsmash.com/x', NOW)).toBe('09h00');
  });
  it('a bare Dropbox folder reference counts as the link condition', () => {
    expect(hasRecadrageLink('see dropbox.com/scl/fo/abc')).toBe(true);
    expect(hasRecadrageLink('see DROPBOX.com/scl/fo/abc')).toBe(false);
    expect(hasRecadrageLink('SwissTransfer.com/d/x')).toBe(true);
  });
});

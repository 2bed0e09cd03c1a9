// A large multipart/mixed message for the fetcher's memory benchmark, built in memory: no clock,
// no randomness, no files; the same size always gives the same bytes.
//   text/plain + text/html (multipart/alternative), then two base64 attachments (a PDF and a ZIP
//   by their headers) sharing what is left of `totalBytes` 3:2.
// Written straight into one preallocated Buffer from a small pseudo-random block, so building a
// 50 MB message costs the message and little else.

import { pseudoRandomBytes } from '../../packages/testing/dist/pseudo-random-bytes.js';

const CRLF = '\r\n';
const LINE = 78; // 76 base64 characters + CR LF
const BLOCK_LINES = 1000;

function headers(boundary) {
  return [
    'Return-Path: <b.vasseur@studio-lumiere.example.com>',
    'From: =?UTF-8?Q?Bertille_Vasseur-Quintin?= <b.vasseur@studio-lumiere.example.com>',
    'To: "Atelier Retouche" <reception@atelier-retouche.example.org>',
    'Subject: =?UTF-8?Q?M=C3=A9dia_Solution_-_Lot_4400_-_fichiers_sources?=',
    'Date: Tue, 13 Jan 2026 09:58:12 +0100',
    'Message-ID: <20260113095812.4400.large@studio-lumiere.example.com>',
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    'This is a multi-part message in MIME format.',
    '',
  ].join(CRLF);
}

function alternative(boundary) {
  const link = 'https://www.dropbox.com/scl/fo/b3n4c8h2k9x4m7q1w8e5r/AKq8Zr5Lw2Xy7Pv4Ct1Nb3?rlkey=z8x6c4v2b0n9m7l5k3j1h2g4f&dl=0';
  const rows = [];
  for (let i = 1; i <= 400; i++) rows.push(`<tr><td>4400-${String(i).padStart(4, '0')}</td><td>visuel_${i}.tif</td><td>4:5</td><td>Detourage, ciel a eclaircir</td></tr>`);
  return [
    `--${boundary}`,
    'Content-Type: text/plain; charset="us-ascii"',
    'Content-Transfer-Encoding: 7bit',
    '',
    "Bonjour l'equipe,",
    '',
    'Voici les sources du lot 4400 en pieces jointes (planche PDF et archive).',
    `Lien de secours : ${link}`,
    '',
    'Bertille',
    `--${boundary}`,
    'Content-Type: text/html; charset="us-ascii"',
    'Content-Transfer-Encoding: 7bit',
    '',
    '<!DOCTYPE html><html><head><meta charset="us-ascii"><title>Lot 4400</title></head><body>',
    "<p>Bonjour l'equipe,</p><p>Voici les sources du lot 4400 en pieces jointes.</p>",
    `<p>Lien de secours : <a href="${link}">${link}</a></p>`,
    '<table border="1">',
    ...rows,
    '</table><p>Bertille</p></body></html>',
    `--${boundary}--`,
    '',
  ].join(CRLF);
}

function attachmentHeaders(boundary, type, filename) {
  return [
    `--${boundary}`,
    `Content-Type: ${type}; name="${filename}"`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: attachment; filename="${filename}"`,
    '',
    '',
  ].join(CRLF);
}

/** 1000 base64 lines (76 000 characters + CR LF each) of xorshift32 bytes from `seed`. */
function base64Block(seed) {
  const b64 = pseudoRandomBytes(57 * BLOCK_LINES, seed).toString('base64');
  const block = Buffer.allocUnsafe(BLOCK_LINES * LINE);
  for (let k = 0; k < BLOCK_LINES; k++) block.write(b64.slice(k * 76, k * 76 + 76) + CRLF, k * LINE, 'latin1');
  return block;
}

/**
 * The message, `totalBytes` long to within a few base64 lines. Returns the Buffer and a
 * description of its parts (sizes in bytes, as stored).
 */
export function largeMail(totalBytes) {
  const mixed = '=_mixed_bench_large';
  const alt = '=_alt_bench_large';
  const attachments = [
    { type: 'application/pdf', filename: 'lot-4400-planche.pdf', seed: 0x9e3779b9, share: 3 },
    { type: 'application/zip', filename: 'lot-4400-sources.zip', seed: 0x85ebca6b, share: 2 },
  ];
  const head = Buffer.from(headers(mixed) + `--${mixed}` + CRLF + `Content-Type: multipart/alternative; boundary="${alt}"` + CRLF + CRLF + alternative(alt) + CRLF, 'latin1');
  const attHeads = attachments.map((a) => Buffer.from(attachmentHeaders(mixed, a.type, a.filename), 'latin1'));
  const tail = Buffer.from(`--${mixed}--` + CRLF, 'latin1');
  const fixed = head.length + attHeads.reduce((s, b) => s + b.length, 0) + tail.length;
  const totalLines = Math.max(2, Math.floor((totalBytes - fixed) / LINE));
  const shares = attachments.reduce((s, a) => s + a.share, 0);
  const lines = attachments.map((a, i) => (i === attachments.length - 1 ? 0 : Math.floor((totalLines * a.share) / shares)));
  lines[lines.length - 1] = totalLines - lines.slice(0, -1).reduce((s, n) => s + n, 0);

  const out = Buffer.allocUnsafe(fixed + totalLines * LINE);
  let o = head.copy(out, 0);
  const parts = [{ type: 'multipart/alternative (text/plain + text/html)', bytes: head.length }];
  attachments.forEach((a, i) => {
    o += attHeads[i].copy(out, o);
    const block = base64Block(a.seed);
    for (let l = 0; l < lines[i]; l += BLOCK_LINES) o += block.copy(out, o, 0, Math.min(BLOCK_LINES, lines[i] - l) * LINE);
    parts.push({ type: a.type, filename: a.filename, encodedBytes: lines[i] * LINE, decodedBytes: lines[i] * 57 });
  });
  o += tail.copy(out, o);
  if (o !== out.length) throw new Error(`largeMail: wrote ${o} bytes into ${out.length}`);
  return { source: out, parts };
}

// Deterministic synthetic e-mails for the benchmarks: no clock, no randomness, no network, no
// files. The same arguments always give the same bytes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CRLF = '\r\n';
const ROOT = new URL('../../', import.meta.url);

export const SMALL_FIXTURE = 'fixtures/emails/01-recadrage-dropbox-11h51.eml';

/** Fixture 01, as it is stored. */
export function smallMail() {
  return readFileSync(fileURLToPath(new URL(SMALL_FIXTURE, ROOT)));
}

const DROPBOX = 'https://www.dropbox.com/scl/fo/b3n4c8h2k9x4m7q1w8e5r/AKq8Zr5Lw2Xy7Pv4Ct1Nb3?rlkey=z8x6c4v2b0n9m7l5k3j1h2g4f&dl=0';

function headers(lot, contentType) {
  return [
    'Return-Path: <b.vasseur@studio-lumiere.example.com>',
    'From: =?UTF-8?Q?Bertille_Vasseur-Quintin?= <b.vasseur@studio-lumiere.example.com>',
    'To: "Atelier Retouche" <reception@atelier-retouche.example.org>',
    `Subject: =?UTF-8?Q?M=C3=A9dia_Solution_-_Missions_Recadrage_-_Lot_${lot}?=`,
    'Date: Tue, 13 Jan 2026 09:58:12 +0100',
    `Message-ID: <20260113095812.${lot}.bench@studio-lumiere.example.com>`,
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
    '',
    '',
  ].join(CRLF);
}

/** Quoted-printable (RFC 2045), lines of at most 76 characters, CR LF line ends. */
function qp(text) {
  const lines = [];
  for (const line of text.split('\n')) {
    const bytes = Buffer.from(line, 'utf8');
    let cur = '';
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      const last = i === bytes.length - 1;
      let t;
      if ((b === 0x20 || b === 0x09) && last) t = '=' + b.toString(16).toUpperCase().padStart(2, '0');
      else if ((b >= 33 && b <= 126 && b !== 61) || b === 0x20 || b === 0x09) t = String.fromCharCode(b);
      else t = '=' + b.toString(16).toUpperCase().padStart(2, '0');
      if (cur.length + t.length > 75) {
        lines.push(cur + '=');
        cur = '';
      }
      cur += t;
    }
    lines.push(cur);
  }
  return lines.join(CRLF);
}

function textBody(lot) {
  return [
    "Bonjour l'équipe,",
    '',
    `Voici les photos du lot ${lot} (recadrage au format 4:5).`,
    "À faire pour 11h51 s'il vous plaît, le client passe en début d'après-midi.",
    '',
    'Lien de téléchargement :',
    DROPBOX,
    '',
    'Contact : planning@studio-lumiere.example.com, 01 23 45 67 89',
    'Merci d’avance,',
    'Bertille',
  ].join('\n');
}

/** An HTML document of about `bytes` UTF-8 bytes (a table of rows with accents), link near the top. */
function htmlBody(lot, bytes) {
  const head = [
    '<!DOCTYPE html>',
    '<html lang="fr"><head><meta charset="utf-8"><title>Message</title></head>',
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222">',
    "<p>Bonjour l'équipe,</p>",
    `<p>Voici les photos du lot ${lot}. À faire pour 11h51 s'il vous plaît.</p>`,
    `<p>Lien : <a href="${DROPBOX}">${DROPBOX}</a></p>`,
    '<table border="1" cellpadding="4" style="border-collapse:collapse">',
    '<tr><th>Réf.</th><th>Visuel</th><th>Format</th><th>Remarque</th></tr>',
  ].join('\n');
  const tail = '\n</table>\n<p>Planning – Studio Lumière</p>\n</body></html>';
  const rows = [];
  let size = Buffer.byteLength(head) + Buffer.byteLength(tail);
  for (let i = 1; size < bytes; i++) {
    const row = `\n<tr><td>${lot}-${String(i).padStart(5, '0')}</td><td>visuel_${i}.jpg</td><td>4:5 recadré</td><td>Détourage léger, ciel à éclaircir</td></tr>`;
    rows.push(row);
    size += Buffer.byteLength(row);
  }
  return head + rows.join('') + tail;
}

function alternative(boundary, lot, htmlBytes) {
  return [
    `--${boundary}`,
    'Content-Type: text/plain; charset="utf-8"',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    qp(textBody(lot)),
    `--${boundary}`,
    'Content-Type: text/html; charset="utf-8"',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    qp(htmlBody(lot, htmlBytes)),
    `--${boundary}--`,
    '',
  ].join(CRLF);
}

/** multipart/alternative: a short text part and an HTML part of about `htmlBytes` decoded bytes (QP). */
export function htmlMail(htmlBytes = 200 * 1024) {
  const lot = 4200;
  const b = '=_alt_bench_html';
  return Buffer.from(headers(lot, `multipart/alternative; boundary="${b}"`) + 'This is a multi-part message in MIME format.' + CRLF + CRLF + alternative(b, lot, htmlBytes), 'utf8');
}

/**
 * multipart/mixed: text + HTML (multipart/alternative, a few KB) and one base64 attachment filled
 * so that the whole message is `totalBytes` long (to within one base64 line). The attachment is
 * written straight into one preallocated Buffer from a small pseudo-random block, so building a
 * 50 MB message costs the message and little else.
 */
export function attachmentMail(totalBytes) {
  const lot = 4300;
  const mixed = '=_mixed_bench_att';
  const alt = '=_alt_bench_att';
  const before = Buffer.from(
    headers(lot, `multipart/mixed; boundary="${mixed}"`) +
      'This is a multi-part message in MIME format.' + CRLF + CRLF +
      `--${mixed}` + CRLF +
      `Content-Type: multipart/alternative; boundary="${alt}"` + CRLF + CRLF +
      alternative(alt, lot, 4 * 1024) + CRLF +
      `--${mixed}` + CRLF +
      'Content-Type: application/octet-stream; name="lot-4300.zip"' + CRLF +
      'Content-Transfer-Encoding: base64' + CRLF +
      'Content-Disposition: attachment; filename="lot-4300.zip"' + CRLF + CRLF,
    'utf8',
  );
  const after = Buffer.from(`--${mixed}--` + CRLF, 'utf8');
  const LINE = 78; // 76 base64 characters + CR LF
  const lines = Math.max(1, Math.floor((totalBytes - before.length - after.length) / LINE));
  const out = Buffer.allocUnsafe(before.length + lines * LINE + after.length);
  let o = before.copy(out, 0);
  // 1000 lines of base64 of xorshift32 bytes, copied over and over: no string per line, so the
  // process holds the message and almost nothing else.
  const block = Buffer.alloc(57 * 1000);
  let x = 0x9e3779b9;
  for (let i = 0; i < block.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    block[i] = x & 0xff;
  }
  const b64 = block.toString('base64'); // 76 000 characters
  const pattern = Buffer.allocUnsafe(1000 * LINE);
  for (let k = 0; k < 1000; k++) pattern.write(b64.slice(k * 76, k * 76 + 76) + CRLF, k * LINE, 'latin1');
  for (let l = 0; l < lines; l += 1000) {
    const n = Math.min(1000, lines - l);
    o += pattern.copy(out, o, 0, n * LINE);
  }
  o += after.copy(out, o);
  return out.subarray(0, o);
}

// Transfer decoding with the original's exact results (§4.2). mailsplit's decoders (libqp,
// libbase64) are made for rendering: libqp strips trailing blanks of every line and libbase64
// keeps decoding past the padding, so trailing garbage after a base64 body (fixture 12) comes out
// as junk characters. The payload's email_content is compared byte for byte by the receiver's
// operators with what the original sent, so these two small decoders port CPython's
// binascii.a2b_qp and email._encoded_words.decode_b instead.
//
// Bodies are capped after decoding, so each decoder writes at most `room` bytes (the head the cap
// can keep) and only counts the rest: a 30 MB text part costs its cap in memory, not its size.

export interface DecodedHead {
  /** The first min(room, total) bytes of the decoded body. */
  head: Buffer;
  /** Length of the whole decoded body. */
  total: number;
}

const HEX_VALUE = new Int8Array(256).fill(-1);
'0123456789ABCDEFabcdef'.split('').forEach((ch) => {
  HEX_VALUE[ch.charCodeAt(0)] = Number.parseInt(ch, 16);
});

/** quopri.decodestring (binascii.a2b_qp, header=False). */
function qpDecode(data: Buffer, room: number): DecodedHead {
  const out = Buffer.alloc(Math.min(room, data.length));
  const cap = out.length;
  let o = 0; // bytes decoded so far, written only while o < cap
  let i = 0;
  const n = data.length;
  while (i < n) {
    const c = data[i] ?? 0;
    if (c !== 0x3d) {
      if (o < cap) out[o] = c;
      o += 1;
      i += 1;
      continue;
    }
    i += 1;
    if (i >= n) break; // a lone '=' at the very end is dropped
    const d = data[i] ?? 0;
    if (d === 0x0a || d === 0x0d) {
      // soft line break: skip to and over the next LF
      if (d !== 0x0a) while (i < n && data[i] !== 0x0a) i += 1;
      if (i < n) i += 1;
      continue;
    }
    const hi = HEX_VALUE[d] ?? -1;
    const lo = i + 1 < n ? (HEX_VALUE[data[i + 1] ?? 0] ?? -1) : -1;
    if (hi >= 0 && lo >= 0) {
      if (o < cap) out[o] = hi * 16 + lo;
      i += 2;
    } else {
      // "==" is one '=' and consumes both; any other '=' stays literal and what follows is read again
      if (o < cap) out[o] = 0x3d;
      if (d === 0x3d) i += 1;
    }
    o += 1;
  }
  return { head: out.subarray(0, Math.min(o, cap)), total: o };
}

const B64 = new Int16Array(256).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((ch, v) => {
  B64[ch.charCodeAt(0)] = v;
});

/** The payload with its line breaks removed, which decode_b gives back for an impossible length. */
function withoutLineBreaks(data: Buffer, room: number): DecodedHead {
  let total = 0;
  for (const byte of data) if (byte !== 0x0d && byte !== 0x0a) total += 1;
  const out = Buffer.alloc(Math.min(room, total));
  let o = 0;
  for (let i = 0; i < data.length && o < out.length; i += 1) {
    const byte = data[i] ?? 0;
    if (byte !== 0x0d && byte !== 0x0a) out[o++] = byte;
  }
  return { head: out, total };
}

/**
 * email._encoded_words.decode_b over the payload with its line breaks removed: characters outside
 * the alphabet are skipped, a complete padding ends the data (what follows is ignored), a final
 * partial quantum still yields its bytes, and an impossible length gives the input back. Line
 * breaks are outside the alphabet, so the loop skips them instead of copying the payload first.
 */
function base64Decode(data: Buffer, room: number): DecodedHead {
  const out = Buffer.alloc(Math.min(room, Math.ceil((data.length * 3) / 4) + 3));
  const cap = out.length;
  let o = 0; // bytes decoded so far, written only while o < cap
  let quad = 0;
  let pads = 0;
  let acc = 0;
  for (let i = 0; i < data.length; i += 1) {
    const byte = data[i] ?? 0;
    if (byte === 0x3d) {
      pads += 1;
      if (quad >= 2 && quad + pads >= 4) return { head: out.subarray(0, Math.min(o, cap)), total: o };
      continue;
    }
    const v = B64[byte] ?? -1;
    if (v < 0) continue;
    let value = -1;
    switch (quad) {
      case 0:
        acc = v;
        quad = 1;
        break;
      case 1:
        value = (acc << 2) | (v >> 4);
        acc = v & 0x0f;
        quad = 2;
        break;
      case 2:
        value = (acc << 4) | (v >> 2);
        acc = v & 0x03;
        quad = 3;
        break;
      default:
        value = (acc << 6) | v;
        quad = 0;
    }
    if (value < 0) continue;
    if (o < cap) out[o] = value;
    o += 1;
  }
  if (quad === 1) return withoutLineBreaks(data, room);
  return { head: out.subarray(0, Math.min(o, cap)), total: o };
}

/**
 * The first `room` bytes and the length of get_payload(decode=True), for the encodings that matter
 * to text parts; any other encoding is kept raw. `room` may be Infinity.
 */
export function pythonTransferDecodeHead(encoding: string | false, raw: Buffer, room: number): DecodedHead {
  switch ((encoding || '').toLowerCase()) {
    case 'quoted-printable':
      return qpDecode(raw, room);
    case 'base64':
      return base64Decode(raw, room);
    default:
      return { head: raw.subarray(0, Math.min(room, raw.length)), total: raw.length };
  }
}

export function pythonQpDecode(data: Buffer): Buffer {
  return qpDecode(data, Infinity).head;
}

export function pythonBase64Decode(data: Buffer): Buffer {
  return base64Decode(data, Infinity).head;
}

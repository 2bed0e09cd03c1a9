import { HttpError } from './http-error.js';

/** A signed request is refused when its timestamp is further than this from the Worker's clock. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

const encoder = new TextEncoder();

/**
 * Checks one request's credentials against the shared token, in constant time.
 * Signed form: `X-R2-Timestamp: <unix seconds>` and
 * `X-R2-Signature: v1=<hex HMAC-SHA256(token, "<timestamp>.<raw body>")>` (several `v1=` values
 * separated by spaces are tried in turn, for key rotation on the caller's side).
 * Original form: `X-R2-FETCH-TOKEN: <token>`, unless `acceptTokenHeader` is off.
 */
export async function authenticate(
  headers: Headers,
  rawBody: Uint8Array,
  options: { token: string; acceptTokenHeader: boolean; nowMs: number },
): Promise<void> {
  const signature = headers.get('X-R2-Signature');
  if (signature !== null) {
    await checkSignature(headers.get('X-R2-Timestamp'), signature, rawBody, options.token, options.nowMs);
    return;
  }
  const token = headers.get('X-R2-FETCH-TOKEN');
  if (token !== null) {
    if (!options.acceptTokenHeader) throw unauthorized('Unauthorized: the token header is disabled, sign the request');
    if (!(await sameSecret(token, options.token))) throw unauthorized('Unauthorized');
    return;
  }
  throw unauthorized('Unauthorized');
}

async function checkSignature(timestamp: string | null, header: string, rawBody: Uint8Array, token: string, nowMs: number): Promise<void> {
  if (timestamp === null || !/^\d{1,12}$/.test(timestamp.trim())) throw unauthorized('Unauthorized: X-R2-Timestamp missing or not unix seconds');
  const seconds = Number(timestamp.trim());
  if (Math.abs(nowMs / 1000 - seconds) > MAX_CLOCK_SKEW_SECONDS) {
    throw unauthorized(`Unauthorized: X-R2-Timestamp is more than ${MAX_CLOCK_SKEW_SECONDS} s from the Worker clock`);
  }
  const candidates = header
    .trim()
    .split(/\s+/)
    .filter((part) => part.startsWith('v1='))
    .map((part) => hexToBytes(part.slice(3)))
    .filter((bytes): bytes is Uint8Array => bytes !== undefined);
  if (candidates.length === 0) throw unauthorized('Unauthorized');
  const key = await crypto.subtle.importKey('raw', encoder.encode(token), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const prefix = encoder.encode(`${timestamp.trim()}.`);
  const message = new Uint8Array(prefix.byteLength + rawBody.byteLength);
  message.set(prefix, 0);
  message.set(rawBody, prefix.byteLength);
  for (const candidate of candidates) {
    // verify() compares the MAC in constant time
    if (await crypto.subtle.verify('HMAC', key, candidate, message)) return;
  }
  throw unauthorized('Unauthorized');
}

/** Hashing both sides first gives equal lengths, so the comparison leaks neither length nor content. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([
    crypto.subtle.digest('SHA-256', encoder.encode(given)),
    crypto.subtle.digest('SHA-256', encoder.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}

function hexToBytes(hex: string): Uint8Array | undefined {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, 'unauthorized', message);
}

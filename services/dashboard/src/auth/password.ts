import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PREFIX = 'scrypt';
// OWASP's minimum for scrypt: N=2^17, r=8, p=1 (about 128 MiB of memory per check).
const DEFAULTS = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem: 256 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt:N:r:p:<salt base64url>:<key base64url>`: no `$`, so it survives shells and .env files unquoted. */
export async function hashPassword(password: string, options: { N: number; r: number; p: number } = DEFAULTS): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, options);
  return [PREFIX, options.N, options.r, options.p, salt.toString('base64url'), key.toString('base64url')].join(':');
}

/** Equal-length digests compared in constant time, so neither the length nor a prefix leaks. */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/**
 * Checks a login password against TRIGGER_PAGE_PASSWORD, which is either plain text (the
 * original's form) or a hash made by `hashPassword`. A malformed hash matches nothing.
 */
export async function verifyPassword(stored: string, candidate: string): Promise<boolean> {
  if (!stored.startsWith(`${PREFIX}:`)) return constantTimeEqual(stored, candidate);
  const parts = stored.split(':');
  if (parts.length !== 6) return false;
  const [, n, r, p, saltText, keyText] = parts as [string, string, string, string, string, string];
  const N = Number(n);
  const options = { N, r: Number(r), p: Number(p) };
  if (![N, options.r, options.p].every(Number.isSafeInteger) || N < 2 || (N & (N - 1)) !== 0) return false;
  const expected = Buffer.from(keyText, 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await derive(candidate, Buffer.from(saltText, 'base64url'), options).catch(() => undefined);
  return actual !== undefined && timingSafeEqual(actual, expected);
}

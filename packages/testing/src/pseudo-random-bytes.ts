/**
 * `length` bytes of xorshift32 from `seed`: the same seed always gives the same bytes, so a large
 * attachment can be built without randomness and without files.
 */
export function pseudoRandomBytes(length: number, seed: number): Buffer {
  const raw = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    raw[i] = x & 0xff;
  }
  return raw;
}

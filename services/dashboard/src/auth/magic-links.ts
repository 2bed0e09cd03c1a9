import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * Redemption in one step: a one-shot link is read and deleted by the same script, so of any
 * number of concurrent redemptions exactly one gets the record. A permanent link is only read.
 */
const REDEEM = `
local raw = redis.call('GET', KEYS[1])
if not raw then return false end
local ok, record = pcall(cjson.decode, raw)
if not ok or record.singleUse ~= false then redis.call('DEL', KEYS[1]) end
return raw
`;

const recordSchema = z.object({
  ref: z.string(),
  singleUse: z.boolean(),
  /** Epoch milliseconds; null for a permanent link. */
  expiresAt: z.number().nullable(),
  createdAt: z.string(),
});
type LinkRecord = z.infer<typeof recordSchema>;

export interface CreatedLink {
  token: string;
  /** Short public name of the link (to list and revoke it); not enough to use it. */
  ref: string;
  expiresAt: Date | null;
}

export interface PermanentLink {
  ref: string;
  createdAt: string;
}

export interface MagicLinksOptions {
  redis: Redis;
  prefix: string;
  /** FLASK_SECRET_KEY: the HMAC key of the token's signature, as in the original. */
  secretKey: string;
  ttlSeconds: number;
  clock?: () => Date;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The original's signature: hex HMAC-SHA256 of `<id>.<exp>` keyed with the secret key. */
export function signMagicToken(secretKey: string, id: string, exp: string): string {
  return createHmac('sha256', Buffer.from(secretKey, 'utf8')).update(`${id}.${exp}`, 'utf8').digest('hex');
}

/**
 * Magic links in the original's token format `<id>.<exp|permanent>.<hex HMAC>`, so a link of the
 * same shape keeps working with the same key; what changed is the storage. Redis keeps only the
 * SHA-256 of each token (a copy of Redis lets nobody log in), a one-shot link expires with its
 * key and is consumed atomically, and every refusal (malformed, tampered, unknown, expired,
 * already used, revoked) is the same answer, so a caller learns nothing about which it was.
 */
export class MagicLinks {
  private readonly clock: () => Date;
  private readonly indexKey: string;

  constructor(private readonly options: MagicLinksOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.indexKey = `${options.prefix}:dashboard:magic-links`;
  }

  private recordKey(tokenHash: string): string {
    return `${this.options.prefix}:dashboard:magic:${tokenHash}`;
  }

  async create({ permanent }: { permanent: boolean }): Promise<CreatedLink> {
    const id = randomBytes(16).toString('base64url');
    const now = this.clock();
    const expiresAt = permanent ? null : new Date(Math.floor(now.getTime() / 1000 + this.options.ttlSeconds) * 1000);
    const exp = expiresAt === null ? 'permanent' : String(expiresAt.getTime() / 1000);
    const token = `${id}.${exp}.${signMagicToken(this.options.secretKey, id, exp)}`;
    const hash = sha256(token);
    const ref = hash.slice(0, 12);
    const record: LinkRecord = { ref, singleUse: !permanent, expiresAt: expiresAt?.getTime() ?? null, createdAt: now.toISOString() };
    const multi = this.options.redis.multi();
    if (expiresAt === null) {
      multi.set(this.recordKey(hash), JSON.stringify(record));
      multi.hset(this.indexKey, ref, JSON.stringify({ hash, createdAt: record.createdAt }));
    } else {
      multi.set(this.recordKey(hash), JSON.stringify(record), 'PXAT', expiresAt.getTime());
    }
    await multi.exec();
    return { token, ref, expiresAt };
  }

  /** True when the token logs in; a one-shot token can never do so twice. */
  async redeem(token: string): Promise<boolean> {
    if (token.length > 200) return false;
    const parts = token.split('.');
    if (parts.length !== 3) return false;
    const [id, exp, sig] = parts as [string, string, string];
    if (id === '' || !(exp === 'permanent' || /^\d{1,12}$/.test(exp)) || !/^[0-9a-f]{64}$/.test(sig)) return false;
    const expected = Buffer.from(signMagicToken(this.options.secretKey, id, exp), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) return false;
    const now = this.clock().getTime();
    if (exp !== 'permanent' && Number(exp) * 1000 <= now) return false;

    const raw = (await this.options.redis.eval(REDEEM, 1, this.recordKey(sha256(token)))) as string | null;
    if (raw === null) return false;
    const record = recordSchema.safeParse(JSON.parse(raw));
    if (!record.success) return false;
    // A record must agree with its token: a permanent token never redeems a one-shot record.
    if ((exp === 'permanent') === record.data.singleUse) return false;
    return record.data.expiresAt === null || record.data.expiresAt > now;
  }

  async listPermanent(): Promise<PermanentLink[]> {
    const index = await this.options.redis.hgetall(this.indexKey);
    return Object.entries(index)
      .map(([ref, meta]) => ({ ref, createdAt: (JSON.parse(meta) as { createdAt: string }).createdAt }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Revokes a permanent link by its ref; false when there is no such link. */
  async revoke(ref: string): Promise<boolean> {
    const meta = await this.options.redis.hget(this.indexKey, ref);
    if (meta === null) return false;
    const { hash } = JSON.parse(meta) as { hash: string };
    await this.options.redis.multi().del(this.recordKey(hash)).hdel(this.indexKey, ref).exec();
    return true;
  }
}

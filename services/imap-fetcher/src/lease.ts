import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// SET NX PX and the fencing INCR in one step: a holder always knows its fence number.
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0`;
// Compare-and-expire: only the holder extends its lease.
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;
// Compare-and-delete: only the holder releases, never a successor's lease.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export interface LeaseKeys {
  lease: string;
  fence: string;
}

export function leaseKeys(prefix: string, mailbox: string): LeaseKeys {
  const id = encodeURIComponent(mailbox);
  return { lease: `${prefix}:lease:fetch:${id}`, fence: `${prefix}:fence:fetch:${id}` };
}

/**
 * The right to sync one mailbox. While held it is renewed every third of its TTL; `lost` turns
 * true when a renewal finds another holder (this process was paused past the TTL), and every
 * cursor write is then refused by its fence number anyway.
 */
export class Lease {
  private lostFlag = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(
    private readonly redis: Redis,
    readonly keys: LeaseKeys,
    readonly token: string,
    readonly fence: number,
    private readonly ttlMs: number,
  ) {
    this.timer = setInterval(() => void this.renew(), Math.max(1, Math.floor(ttlMs / 3)));
    this.timer.unref();
  }

  static async acquire(redis: Redis, keys: LeaseKeys, ttlMs: number): Promise<Lease | undefined> {
    const token = randomUUID();
    const fence = Number(await redis.eval(ACQUIRE, 2, keys.lease, keys.fence, token, ttlMs));
    return fence > 0 ? new Lease(redis, keys, token, fence, ttlMs) : undefined;
  }

  get lost(): boolean {
    return this.lostFlag;
  }

  async renew(): Promise<boolean> {
    if (this.lostFlag) return false;
    try {
      const renewed = Number(await this.redis.eval(RENEW, 1, this.keys.lease, this.token, this.ttlMs)) === 1;
      if (!renewed) this.lostFlag = true;
      return renewed;
    } catch {
      // Redis unreachable: keep the lease until the TTL says otherwise; fenced writes stay safe.
      return false;
    }
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.eval(RELEASE, 1, this.keys.lease, this.token);
  }
}

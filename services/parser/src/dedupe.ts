import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The identity of a message across mailboxes and mailbox resets: its Message-ID, or, when it has
 * none, its bytes (the original's email id would make every such message collide).
 */
export function dedupeKey(prefix: string, messageId: string, raw: Buffer): string {
  const id = messageId.trim();
  const identity = id ? `mid:${id}` : `raw:${createHash('sha256').update(raw).digest('hex')}`;
  return `${prefix}:seen:${createHash('sha256').update(identity).digest('hex')}`;
}

/**
 * Claims a message for one parse job. True when this job may hand it on: the key was free, or it
 * already belongs to this job (a retry after a crash between claim and hand-off). One key per
 * message rather than one big set, so each entry expires on its own.
 */
export async function claimMessage(redis: Redis, key: string, owner: string, ttlSeconds: number): Promise<boolean> {
  if ((await redis.set(key, owner, 'EX', ttlSeconds, 'NX')) === 'OK') return true;
  return (await redis.get(key)) === owner;
}

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Gives the claim back when the hand-off failed, so a retry (or another copy) can go through. */
export async function releaseMessage(redis: Redis, key: string, owner: string): Promise<void> {
  await redis.eval(RELEASE, 1, key, owner);
}

import { hash } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import { QUEUES } from '@render-signal/contracts';
import type { Logger } from '@render-signal/logger';
import type { Redis } from 'ioredis';

// The configured URL rarely changes: its hash is computed once, not at every delivery.
let lastHashed: { url: string | undefined; hash: string } = { url: undefined, hash: '' };

/**
 * An endpoint is a webhook URL, named by a hash so that keys, logs and metrics never show the URL
 * (it may carry a token). Another WEBHOOK_URL is another endpoint, with its own state.
 */
export function endpointHash(url: string): string {
  if (url !== lastHashed.url) lastHashed = { url, hash: hash('sha256', url, 'hex').slice(0, 16) };
  return lastHashed.hash;
}

export interface EndpointDisabled {
  endpoint: string;
  status: number;
  reason: string;
  disabledAt: string;
  /** The email whose delivery got the answer. */
  emailId: string;
}

const disabledKey = (prefix: string, endpoint: string) => `${prefix}:dispatch:endpoint-disabled:${endpoint}`;
/** Ids of the jobs postponed because the endpoint is disabled, to promote when it is re-enabled. */
const pausedKey = (prefix: string, endpoint: string) => `${prefix}:dispatch:endpoint-paused:${endpoint}`;

export async function disableEndpoint(redis: Redis, prefix: string, state: EndpointDisabled): Promise<void> {
  await redis.hset(disabledKey(prefix, state.endpoint), { ...state, status: String(state.status) });
}

/** The endpoint's disabled state, or undefined when deliveries to it may go out. */
export async function endpointDisabled(redis: Redis, prefix: string, endpoint: string): Promise<EndpointDisabled | undefined> {
  const h = await redis.hgetall(disabledKey(prefix, endpoint));
  if (!h.disabledAt) return undefined;
  return { endpoint, status: Number(h.status), reason: h.reason ?? '', disabledAt: h.disabledAt, emailId: h.emailId ?? '' };
}

export async function isEndpointDisabled(redis: Redis, prefix: string, endpoint: string): Promise<boolean> {
  return (await redis.exists(disabledKey(prefix, endpoint))) === 1;
}

/** How long a read that found an endpoint enabled is trusted by the process that made it. */
export const ENDPOINT_STATE_CACHE_MS = 1_000;

/** The disabled flag as one dispatcher process reads it before each delivery. */
export interface EndpointStateReader {
  isDisabled(endpoint: string): Promise<boolean>;
  /** Drops what was read about `endpoint`: this process has just disabled it (a 410). */
  forget(endpoint: string): void;
}

/**
 * Reads the disabled flag at most once per `ttlMs` while the endpoint is enabled, instead of once
 * per delivery; concurrent deliveries share one read. Only "enabled" is remembered: a disabled
 * endpoint is read again at every delivery, so re-enabling it (the dashboard, another process)
 * applies at once to the deliveries that are promoted. What is lost is at most `ttlMs` of
 * deliveries after another process disabled the endpoint; each of them gets the receiver's 410
 * itself and is postponed like the first one.
 */
export function cachedEndpointState(redis: Redis, prefix: string, ttlMs = ENDPOINT_STATE_CACHE_MS, now: () => number = Date.now): EndpointStateReader {
  const enabledUntil = new Map<string, number>();
  const reading = new Map<string, Promise<boolean>>();
  // Bumped by forget(): a read that started before it must not store "enabled" afterwards.
  let generation = 0;
  return {
    isDisabled(endpoint) {
      const until = enabledUntil.get(endpoint);
      if (until !== undefined && now() < until) return Promise.resolve(false);
      const pending = reading.get(endpoint);
      if (pending) return pending;
      const started = generation;
      const read = isEndpointDisabled(redis, prefix, endpoint).then(
        (disabled) => {
          if (reading.get(endpoint) === read) reading.delete(endpoint);
          if (disabled || started !== generation) enabledUntil.delete(endpoint);
          else {
            // One URL at a time in practice; a few after changes of WEBHOOK_URL at run time.
            if (enabledUntil.size >= 16) enabledUntil.clear();
            enabledUntil.set(endpoint, now() + ttlMs);
          }
          return disabled;
        },
        (err: unknown) => {
          if (reading.get(endpoint) === read) reading.delete(endpoint);
          throw err;
        },
      );
      reading.set(endpoint, read);
      return read;
    },
    forget(endpoint) {
      generation += 1;
      enabledUntil.delete(endpoint);
      reading.delete(endpoint);
    },
  };
}

export async function rememberPaused(redis: Redis, prefix: string, endpoint: string, jobId: string): Promise<void> {
  await redis.sadd(pausedKey(prefix, endpoint), jobId);
}

/**
 * Re-enables an endpoint (the dashboard's "resume" button) and promotes the deliveries that were
 * postponed for it, so they go out now rather than at their next check. A delivery that was just
 * being postponed while this runs is not lost: it goes out at its next check (one minute).
 * Returns whether the endpoint was disabled and how many deliveries were resumed.
 */
export async function enableEndpoint(
  redis: Redis,
  prefix: string,
  endpoint: string,
  log?: Logger,
): Promise<{ wasDisabled: boolean; resumed: number }> {
  const wasDisabled = (await redis.del(disabledKey(prefix, endpoint))) === 1;
  const ids = await redis.smembers(pausedKey(prefix, endpoint));
  let resumed = 0;
  if (ids.length > 0) {
    const queue = new Queue(QUEUES.dispatch.name, { connection: redis, prefix });
    try {
      for (const id of ids) {
        const job = await Job.fromId(queue, id);
        if (job && (await job.isDelayed())) {
          // It may have started meanwhile (its check fell due): then it is no longer delayed.
          await job.promote().then(
            () => (resumed += 1),
            () => undefined,
          );
        }
        await redis.srem(pausedKey(prefix, endpoint), id);
      }
    } finally {
      await queue.close();
    }
  }
  log?.info({ code: 'dispatch.endpoint_enabled', endpoint, wasDisabled, resumed });
  return { wasDisabled, resumed };
}

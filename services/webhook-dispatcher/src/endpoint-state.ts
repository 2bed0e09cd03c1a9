import { createHash } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import { QUEUES } from '@render-signal/contracts';
import type { Logger } from '@render-signal/logger';
import type { Redis } from 'ioredis';

/**
 * An endpoint is a webhook URL, named by a hash so that keys, logs and metrics never show the URL
 * (it may carry a token). Another WEBHOOK_URL is another endpoint, with its own state.
 */
export function endpointHash(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 16);
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

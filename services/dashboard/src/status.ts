import { QUEUES } from '@render-signal/contracts';
import type { DeliveryLogEntry } from '@render-signal/contracts';
import { cursorKey, leaseKeys, readCursor } from '@render-signal/imap-fetcher';
import type { DeadLetterStore } from '@render-signal/queue';
import type { Settings } from '@render-signal/settings';
import { endpointDisabled, endpointHash, readDeliveryLog, type EndpointDisabled } from '@render-signal/webhook-dispatcher';
import type { Redis } from 'ioredis';
import type { DashboardDeps } from './deps.js';

export type StageName = keyof typeof QUEUES;
export const STAGES = Object.keys(QUEUES) as StageName[];

export interface StageStatus {
  stage: StageName;
  queue: string;
  counts: { waiting: number; active: number; delayed: number; failed: number; completed: number; dead: number };
  /** Age of the oldest job still waiting, or null when none waits. */
  oldestWaitingMs: number | null;
  /** Jobs completed / failed per minute over the last 15 minutes (BullMQ worker metrics). */
  completedPerMinute: number;
  failedPerMinute: number;
}

export interface FetchStatus {
  mailbox: string;
  /** A fetcher holds the sync lease right now (a sync is running). */
  syncing: boolean;
  /** A fetcher holds the IDLE connection. */
  watching: boolean;
  cursor: { uidValidity: string; lastUid: number } | null;
  lastSync: { at: string; outcome: string; enqueued: number } | null;
}

export interface Status {
  at: string;
  stages: StageStatus[];
  fetch: FetchStatus;
  endpoint: { hash: string; disabled: EndpointDisabled | null } | null;
  lastDeliveries: DeliveryLogEntry[];
}

const RATE_MINUTES = 15;
const MINUTE = 60_000;

/**
 * Jobs per minute over the last RATE_MINUTES, from BullMQ's worker metrics. BullMQ closes a
 * minute only when the next job finishes: the jobs of the minute of the last event are in
 * `count - prevCount`, and `data[i]` is the (i+1)-th minute before that one. Minutes are placed
 * against the current time, so an idle queue's old counts age out.
 */
export function ratePerMinute(metrics: { meta: { count: number; prevTS: number; prevCount: number }; data: (number | string)[] } | undefined, now: number): number {
  if (!metrics || !metrics.meta.prevTS) return 0;
  const since = Math.floor(now / MINUTE) - Math.floor(Number(metrics.meta.prevTS) / MINUTE);
  let total = since < RATE_MINUTES ? Number(metrics.meta.count) - Number(metrics.meta.prevCount) : 0;
  metrics.data.forEach((n, i) => {
    if (since + 1 + i < RATE_MINUTES) total += Number(n);
  });
  return Math.round((total / RATE_MINUTES) * 10) / 10;
}

async function perMinute(store: DeadLetterStore, type: 'completed' | 'failed', now: number): Promise<number> {
  return ratePerMinute(await store.live.getMetrics(type, 0, RATE_MINUTES).catch(() => undefined), now);
}

async function stageStatus(stage: StageName, store: DeadLetterStore, now: number): Promise<StageStatus> {
  const [live, dead, [oldest], completedPerMinute, failedPerMinute] = await Promise.all([
    store.live.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed', 'waiting-children'),
    store.dead.getJobCounts('waiting', 'prioritized', 'delayed'),
    store.live.getJobs(['waiting'], 0, 0, true),
    perMinute(store, 'completed', now),
    perMinute(store, 'failed', now),
  ]);
  const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
  return {
    stage,
    queue: QUEUES[stage].name,
    counts: {
      waiting: (live.waiting ?? 0) + (live.prioritized ?? 0) + (live['waiting-children'] ?? 0),
      active: live.active ?? 0,
      delayed: live.delayed ?? 0,
      failed: live.failed ?? 0,
      completed: live.completed ?? 0,
      dead: sum(dead),
    },
    oldestWaitingMs: oldest ? Math.max(0, now - oldest.timestamp) : null,
    completedPerMinute,
    failedPerMinute,
  };
}

async function fetchStatus(redis: Redis, prefix: string, mailbox: string, store: DeadLetterStore): Promise<FetchStatus> {
  const [syncing, watching, cursor, [last]] = await Promise.all([
    redis.exists(leaseKeys(prefix, mailbox).lease),
    redis.exists(leaseKeys(`${prefix}:watch`, mailbox).lease),
    readCursor(redis, cursorKey(prefix, mailbox)),
    store.live.getJobs(['completed'], 0, 0),
  ]);
  const result = last?.returnvalue as { outcome?: string; enqueued?: number } | undefined;
  return {
    mailbox,
    syncing: syncing === 1,
    watching: watching === 1,
    cursor: cursor ?? null,
    lastSync: last?.finishedOn ? { at: new Date(last.finishedOn).toISOString(), outcome: result?.outcome ?? 'unknown', enqueued: result?.enqueued ?? 0 } : null,
  };
}

/** One read of everything the status page and `/api/status` show, under the effective settings. */
export async function readStatus(deps: Pick<DashboardDeps, 'config' | 'redis' | 'stages' | 'clock'>, settings: Readonly<Settings>): Promise<Status> {
  const { redis } = deps;
  const prefix = deps.config.redis.prefix;
  const now = deps.clock();
  const url = settings.webhook.url;
  const hash = url ? endpointHash(url) : undefined;
  const [stages, fetch, disabled, lastDeliveries] = await Promise.all([
    Promise.all(STAGES.map((stage) => stageStatus(stage, deps.stages.get(stage)!, now.getTime()))),
    fetchStatus(redis, prefix, deps.config.imap.mailbox, deps.stages.get('fetch')!),
    hash ? endpointDisabled(redis, prefix, hash) : Promise.resolve(undefined),
    readDeliveryLog(redis, prefix, { limit: 10, timezone: settings.timezone }),
  ]);
  return { at: now.toISOString(), stages, fetch, endpoint: hash ? { hash, disabled: disabled ?? null } : null, lastDeliveries };
}

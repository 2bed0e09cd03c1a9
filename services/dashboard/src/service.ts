import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Config, ResolveHost } from '@render-signal/config';
import { QUEUES } from '@render-signal/contracts';
import type { Logger } from '@render-signal/logger';
import { createProducer, DeadLetterStore, type ServiceDefinition } from '@render-signal/queue';
import { createSettingsStore, settingsDefaultsFromConfig } from '@render-signal/settings';
import type { Redis } from 'ioredis';
import { createDashboardApp } from './app.js';
import { MagicLinks } from './auth/magic-links.js';
import type { DashboardDeps } from './deps.js';
import { STAGES, type StageName } from './status.js';

/** The dashboard's dependencies over one Redis connection; `close` releases its queues. */
export function buildDashboardDeps(options: {
  config: Config;
  redis: Redis;
  log: Logger;
  clock: () => Date;
  /** How the webhook host is resolved for the private-address check (tests inject one). */
  resolveHost?: ResolveHost;
}): { deps: DashboardDeps; close(): Promise<void> } {
  const { config, redis, log, clock } = options;
  const prefix = config.redis.prefix;
  const stages = new Map<StageName, DeadLetterStore>(STAGES.map((stage) => [stage, new DeadLetterStore(QUEUES[stage], { connection: redis, prefix, clock, log })]));
  const fetch = createProducer(QUEUES.fetch, redis, prefix);
  const deps: DashboardDeps = {
    config,
    redis,
    log,
    clock,
    settings: createSettingsStore({ redis, prefix, defaults: settingsDefaultsFromConfig(config), allowLocalTargets: config.allowLocalTargets, log, ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}) }),
    magicLinks: new MagicLinks({ redis, prefix, secretKey: config.dashboard.secretKey, ttlSeconds: config.dashboard.magicLinkTtlSeconds, clock }),
    stages,
    async checkNow() {
      const jobId = await fetch.add({ mailbox: config.imap.mailbox, trigger: 'manual', requestId: randomUUID() });
      log.info({ code: 'dashboard.check_now', jobId });
      return jobId;
    },
  };
  return {
    deps,
    close: async () => {
      await Promise.all([...stages.values()].map((s) => s.close()));
      await fetch.queue.close();
    },
  };
}

/** Listens on `port` (0 = any free port) on `host`; resolves once the socket is bound. */
export function listen(app: ReturnType<typeof createDashboardApp>, port: number, host?: string): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const server = host === undefined ? app.listen(port, (err?: Error) => (err ? reject(err) : resolve(server))) : app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
  });
}

export const dashboard: ServiceDefinition = {
  name: 'dashboard',
  portOffset: 5,
  async start({ config, log, lifecycle, clock, redis, metrics }) {
    const { deps, close } = buildDashboardDeps({ config, redis, log, clock });
    // The dashboard's /metrics reports the depth of every queue, dead letters included.
    for (const store of deps.stages.values()) {
      metrics.watchQueue(store.live);
      metrics.watchQueue(store.dead);
    }
    lifecycle.onStop('dashboard queues', close);
    const server = await listen(createDashboardApp(deps), config.http.port);
    lifecycle.onStop('dashboard http', () => new Promise<void>((resolve) => server.close(() => resolve())));
    log.info({ code: 'http.listening', port: (server.address() as AddressInfo).port, routes: ['/', '/login', '/api/*', '/admin/queues'] });
  },
};

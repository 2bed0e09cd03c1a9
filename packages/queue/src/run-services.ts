import { loadConfig, type Config } from '@render-signal/config';
import { createLogger, type Logger } from '@render-signal/logger';
import { createSettingsReader, settingsDefaultsFromConfig } from '@render-signal/settings';
import type { DestinationStream } from '@render-signal/logger';
import { redisAnswers, startLocalRedis } from './ensure-redis.js';
import { startHealthServer, type ReadinessCheck } from './health-server.js';
import { Lifecycle } from './lifecycle.js';
import { Metrics } from './metrics.js';
import { createRedis } from './redis.js';
import type { ServiceContext, ServiceDefinition } from './service.js';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  clock?: () => Date;
  logDestination?: DestinationStream;
  /** Start a local redis-server when REDIS_URL is unset and nothing answers (the CLI does). */
  startRedisIfMissing?: boolean;
}

export interface RunningServices {
  readonly config: Config;
  readonly log: Logger;
  readonly healthPort: number;
  readonly context: ServiceContext;
  /** Drains and closes everything; resolves true when every component stopped cleanly. */
  stop(reason?: string): Promise<boolean>;
}

/**
 * Starts the given services in this process with one config, one logger, one Redis connection,
 * one metrics registry and one health server. Throws ConfigError before anything is started when
 * the configuration is unusable.
 */
export async function runServices(services: readonly ServiceDefinition[], options: RunOptions = {}): Promise<RunningServices> {
  const names = services.map((s) => s.name);
  const config = loadConfig(options.env ?? process.env, { services: names });
  const log = createLogger({
    service: names.length === 1 ? names[0]! : 'render-signal',
    level: config.log.level,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  for (const warning of config.warnings) log.warn({ code: 'config.warning', warning });

  const lifecycle = new Lifecycle(log);
  try {
    if (!(await redisAnswers(config.redis.url))) {
      if (!(options.startRedisIfMissing && config.redis.isDefault)) {
        log.error({ code: 'redis.unavailable', hint: 'check REDIS_URL' });
      } else {
        const local = await startLocalRedis(config.redis.url, config.redis.dataDir);
        lifecycle.onStop('local redis-server', () => local.stop());
        log.info({ code: 'redis.started_local', dataDir: config.redis.dataDir });
      }
    }

    const redis = createRedis(config.redis.url, `render-signal:${names.join(',')}`);
    redis.on('error', (err) => log.warn({ code: 'redis.error', err }));
    lifecycle.onStop('redis', () => redis.quit());

    // Settings the dashboard may change at run time, over the environment's; followed live.
    const settings = await createSettingsReader({
      redis,
      prefix: config.redis.prefix,
      defaults: settingsDefaultsFromConfig(config),
      log,
      allowLocalTargets: config.allowLocalTargets,
    });
    lifecycle.onStop('settings reader', () => settings.close());

    const metrics = new Metrics();
    const checks = new Map<string, ReadinessCheck>([['redis', async () => (await redis.ping()) === 'PONG']]);
    const context: ServiceContext = {
      config,
      log,
      metrics,
      lifecycle,
      redis,
      settings,
      clock: options.clock ?? (() => new Date()),
      addReadinessCheck: (name, check) => checks.set(name, check),
    };

    const port = config.http.metricsPort === 0 || services.length !== 1 ? config.http.metricsPort : config.http.metricsPort + services[0]!.portOffset;
    const health = await startHealthServer({ port, registry: metrics.registry, checks });
    lifecycle.onStop('health server', () => health.close());
    log.info({ code: 'http.listening', port: health.port, routes: ['/healthz', '/readyz', '/metrics'] });

    for (const service of services) {
      log.info({ code: 'service.starting', component: service.name });
      await service.start({ ...context, log: log.child({ component: service.name }) });
    }
    log.info({ code: 'service.started', services: names });

    return {
      config,
      log,
      healthPort: health.port,
      context,
      stop: async (reason = 'requested') => {
        log.info({ code: 'service.stopping', services: names, reason });
        const clean = await lifecycle.stop();
        log.info({ code: 'service.stopped', clean });
        return clean;
      },
    };
  } catch (err) {
    await lifecycle.stop();
    throw err;
  }
}

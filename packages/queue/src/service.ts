import type { Config, ServiceName } from '@render-signal/config';
import type { Logger } from '@render-signal/logger';
import type { SettingsReader } from '@render-signal/settings';
import type { Redis } from 'ioredis';
import type { ReadinessCheck } from './health-server.js';
import type { Lifecycle } from './lifecycle.js';
import type { Metrics } from './metrics.js';

/** What every service receives from the runner: nothing is read from the environment after this. */
export interface ServiceContext {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly lifecycle: Lifecycle;
  /** Shared command connection (BullMQ duplicates it for its blocking connections). */
  readonly redis: Redis;
  /**
   * Runtime settings (webhook, windows, allowlists, kill switches): the dashboard's stored values
   * over the environment's. Read `current()` at the moment of use, never once at start-up, so a
   * change takes effect without a restart.
   */
  readonly settings: SettingsReader;
  /** The current time; injected so rules that depend on the clock are testable. */
  readonly clock: () => Date;
  addReadinessCheck(name: string, check: ReadinessCheck): void;
}

export interface ServiceDefinition {
  readonly name: ServiceName;
  /** Offset from METRICS_PORT when the service runs alone. */
  readonly portOffset: number;
  start(ctx: ServiceContext): Promise<void>;
}

import type { Config } from '@render-signal/config';
import type { Logger } from '@render-signal/logger';
import type { DeadLetterStore } from '@render-signal/queue';
import type { SettingsStore } from '@render-signal/settings';
import type { Redis } from 'ioredis';
import type { MagicLinks } from './auth/magic-links.js';
import type { StageName } from './status.js';

/** Everything the dashboard's routes use; built once by the service, or by a test. */
export interface DashboardDeps {
  config: Config;
  redis: Redis;
  log: Logger;
  clock: () => Date;
  settings: SettingsStore;
  magicLinks: MagicLinks;
  /** Each stage's live queue and its dead letters. */
  stages: ReadonlyMap<StageName, DeadLetterStore>;
  /** Queues an immediate mailbox sync (and logs it); resolves to the job id. */
  checkNow(): Promise<string>;
}

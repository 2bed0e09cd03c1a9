import type { Logger } from '@render-signal/logger';
import type { Redis } from 'ioredis';
import { loadRecord, readStamp, settingsKeys } from './record.js';
import type { Settings } from './settings.js';

export interface SettingsReaderOptions {
  /** A connection for reads; a duplicate of it subscribes to change notifications. */
  redis: Redis;
  prefix: string;
  /** From the environment: settingsDefaultsFromConfig(config). */
  defaults: Settings;
  log: Logger;
  /** RENDER_SIGNAL_ALLOW_LOCAL_TARGETS, for the validation of what is read. */
  allowLocalTargets?: boolean;
  /**
   * Fallback check of the stored version, in case a notification is missed (a reconnection of
   * the subscriber): a change is seen within this delay at the latest.
   */
  checkIntervalMs?: number;
}

export interface SettingsChangeEvent {
  settings: Readonly<Settings>;
  /** The stored version now in use; 0 = nothing stored, the environment's values. */
  version: number;
  previousVersion: number;
}

export interface SettingsReader {
  /** The effective settings: the last valid stored values over the environment's. Never throws. */
  current(): Readonly<Settings>;
  /** The stored version `current()` comes from (0 = the environment's values). */
  version(): number;
  /** Called after each change taking effect; returns the function that removes the listener. */
  onChange(listener: (event: SettingsChangeEvent) => void): () => void;
  /** Checks the stored settings now (what a notification or the interval does). */
  refresh(): Promise<void>;
  /** Stops listening; the `redis` connection passed in stays open (it belongs to the caller). */
  close(): Promise<void>;
}

/** Settings are shared by every caller of current(): nobody may change them in place. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Keeps the effective settings in memory and follows their changes without a restart: a
 * pub/sub notification triggers a reload, and a cheap version check on an interval catches a
 * missed one. Stored data that does not validate (written by hand) is logged and ignored: the
 * last good values stay in use, the environment's when there never were any.
 */
export async function createSettingsReader(options: SettingsReaderOptions): Promise<SettingsReader> {
  const { redis, defaults, log } = options;
  const keys = settingsKeys(options.prefix);
  const schemaOptions = { allowLocalTargets: options.allowLocalTargets === true };
  const listeners = new Set<(event: SettingsChangeEvent) => void>();

  let settings = deepFreeze(structuredClone(defaults));
  let version = 0;
  /** Fingerprint of the stored record in use ('none' = the environment's values). */
  let applied = 'none';
  /** Stamp of the stored state last examined, valid or not, so a bad one is logged once. */
  let seenStamp: string | undefined;
  let closed = false;
  let chain: Promise<void> = Promise.resolve();

  async function load(): Promise<void> {
    let record;
    try {
      record = await loadRecord(redis, keys.record, defaults, schemaOptions);
    } catch (err) {
      log.warn({ code: 'settings.read_failed', err }, 'settings could not be read; the current values stay in use');
      return;
    }
    const firstSight = record.stamp !== seenStamp;
    seenStamp = record.stamp;
    if (!record.ok) {
      if (firstSight) {
        log.error({ code: 'settings.invalid_stored', version: record.version, errors: record.errors }, 'stored settings are invalid; the last good values stay in use');
      }
      return;
    }
    if (record.fingerprint === applied) return;
    const previousVersion = version;
    settings = deepFreeze(record.settings);
    version = record.version;
    applied = record.fingerprint;
    log.info({ code: 'settings.changed', version, previousVersion });
    for (const listener of listeners) {
      try {
        listener({ settings, version, previousVersion });
      } catch (err) {
        log.error({ code: 'settings.listener_failed', err });
      }
    }
  }

  // One load at a time, in order, so an older read never replaces a newer one.
  const refresh = (): Promise<void> => {
    chain = chain.then(() => (closed ? undefined : load()));
    return chain;
  };

  async function check(): Promise<void> {
    try {
      if ((await readStamp(redis, keys.record)) !== seenStamp) await refresh();
    } catch (err) {
      log.warn({ code: 'settings.read_failed', err }, 'settings could not be read; the current values stay in use');
    }
  }

  await refresh();

  const subscriber = redis.duplicate();
  subscriber.on('error', (err: unknown) => log.warn({ code: 'redis.error', err, connection: 'settings-subscriber' }));
  subscriber.on('message', (channel: string) => {
    if (channel === keys.changed) void refresh();
  });
  try {
    await subscriber.subscribe(keys.changed);
  } catch (err) {
    // The interval check still finds changes; the subscriber resubscribes when it reconnects.
    log.warn({ code: 'settings.read_failed', err }, 'could not subscribe to settings changes');
  }
  // A message published while the subscription was being set up would be lost without this.
  await check();

  const timer = setInterval(() => void check(), options.checkIntervalMs ?? 5_000);
  timer.unref();

  return {
    current: () => settings,
    version: () => version,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    refresh,
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      listeners.clear();
      await chain;
      try {
        await subscriber.quit();
      } catch {
        subscriber.disconnect();
      }
    },
  };
}

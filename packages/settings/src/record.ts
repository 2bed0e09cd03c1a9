import type { Redis } from 'ioredis';
import type { SchemaOptions } from './schema.js';
import type { Settings, SettingsPatch } from './settings.js';
import { resolveSettings, type FieldError } from './validate.js';

/** Redis names of the settings, all under the deployment's prefix. */
export function settingsKeys(prefix: string) {
  return {
    /** Hash: version, updatedAt, updatedBy, data (the stored overrides, JSON). */
    record: `${prefix}:settings`,
    /** Capped stream of changes, masked. */
    audit: `${prefix}:settings:audit`,
    /** Pub/sub channel; each message is the new version number. */
    changed: `${prefix}:settings:changed`,
  };
}

/**
 * What a reader makes of the stored record. `stamp` identifies the stored state cheaply (the raw
 * version field, or the reason it cannot be read), so a poll can tell whether anything changed.
 */
export type LoadedRecord =
  | { ok: true; stamp: string; fingerprint: string; version: number; updatedAt?: string; updatedBy?: string; stored: SettingsPatch; settings: Settings }
  | { ok: false; stamp: string; version: number; errors: FieldError[] };

/** The cheap check: the raw version field, or a marker when the key is missing or not a hash. */
export async function readStamp(redis: Redis, key: string): Promise<string> {
  try {
    return (await redis.hget(key, 'version')) ?? 'none';
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('WRONGTYPE')) return 'wrongtype';
    throw err;
  }
}

/** Parses a stored version; anything but a non-negative integer counts as unreadable. */
export function parseVersion(raw: string | undefined): number | undefined {
  return raw !== undefined && /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}

/** Reads and validates the stored record. Redis errors propagate; bad content becomes `ok: false`. */
export async function loadRecord(redis: Redis, key: string, defaults: Settings, options: SchemaOptions): Promise<LoadedRecord> {
  let hash: Record<string, string>;
  try {
    hash = await redis.hgetall(key);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('WRONGTYPE')) {
      return { ok: false, stamp: 'wrongtype', version: 0, errors: [{ path: '', message: 'the settings key is not a hash' }] };
    }
    throw err;
  }
  if (Object.keys(hash).length === 0) {
    return { ok: true, stamp: 'none', fingerprint: 'none', version: 0, stored: {}, settings: structuredClone(defaults) };
  }
  const stamp = hash['version'] ?? 'none';
  const version = parseVersion(hash['version']);
  if (version === undefined) return { ok: false, stamp, version: 0, errors: [{ path: '', message: 'the stored version is not a number' }] };
  const resolved = resolveSettings(defaults, hash['data'] ?? '', options);
  if (!resolved.ok) return { ok: false, stamp, version, errors: resolved.errors };
  return {
    ok: true,
    stamp,
    // A repaired record can start again at a version seen before: the content tells them apart.
    fingerprint: JSON.stringify([version, hash['updatedAt'], hash['data']]),
    version,
    ...(hash['updatedAt'] ? { updatedAt: hash['updatedAt'] } : {}),
    ...(hash['updatedBy'] ? { updatedBy: hash['updatedBy'] } : {}),
    stored: resolved.value.stored,
    settings: resolved.value.settings,
  };
}

import { checkResolvedHost, systemResolveHost, type ResolveHost } from '@render-signal/config';
import type { Logger } from '@render-signal/logger';
import type { Redis } from 'ioredis';
import { diffSettings, maskActor, type AuditEntry, type SettingsChange } from './audit.js';
import { loadRecord, parseVersion, settingsKeys, type LoadedRecord } from './record.js';
import type { Settings, SettingsPatch } from './settings.js';
import { mergeSettings, parseSettingsPatch, resolveSettings, type FieldError } from './validate.js';

/**
 * Compare-and-set: the record is written only when its version is still the one the writer read.
 * The same script appends the audit entry and publishes the new version, so a change, its trail
 * and its notification cannot come apart. A key that is not a hash, or whose version is
 * unreadable, counts as version 0, so a write based on "nothing valid stored" can repair it.
 *
 * KEYS: record, audit stream. ARGV: expected version, updatedAt, updatedBy, data JSON,
 * changes JSON, audit cap, channel.
 */
const COMPARE_AND_SET = `
local current = 0
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind == 'hash' then
  local raw = redis.call('HGET', KEYS[1], 'version')
  if raw and string.match(raw, '^%d+$') then current = tonumber(raw) end
end
if current ~= tonumber(ARGV[1]) then return {0, current} end
local nextVersion = current + 1
if kind ~= 'none' then redis.call('DEL', KEYS[1]) end
redis.call('HSET', KEYS[1], 'version', nextVersion, 'updatedAt', ARGV[2], 'updatedBy', ARGV[3], 'data', ARGV[4])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'version', nextVersion, 'updatedAt', ARGV[2], 'updatedBy', ARGV[3], 'changes', ARGV[5])
redis.call('PUBLISH', ARGV[7], nextVersion)
return {1, nextVersion}
`;

export interface SettingsStoreOptions {
  redis: Redis;
  prefix: string;
  /** From the environment: settingsDefaultsFromConfig(config). */
  defaults: Settings;
  /** RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: a loopback webhook URL (http allowed) is accepted. */
  allowLocalTargets?: boolean;
  /** How a webhook host is resolved for the private-address check; the system resolver by default. */
  resolveHost?: ResolveHost;
  /** Entries kept in the audit stream (approximately). */
  auditMaxEntries?: number;
  log?: Logger;
  /** Clock of `updatedAt`. */
  now?: () => Date;
}

export interface SettingsUpdate {
  /** Any subset of the settings (object or JSON text); `null` on an optional field unsets it. */
  patch: unknown;
  /** The version the change was based on (`read().version`; 0 when nothing is stored). */
  expectedVersion: number;
  /** Who changes it, for the audit trail (a user name; an e-mail address is kept masked). */
  updatedBy: string;
}

export type SettingsUpdateResult =
  | { status: 'updated'; version: number; settings: Settings; changes: SettingsChange[] }
  /** Validation failed; nothing was written. */
  | { status: 'invalid'; errors: FieldError[] }
  /** Someone else wrote first; re-read `currentVersion` and try again (HTTP 409). */
  | { status: 'conflict'; currentVersion: number };

export interface SettingsStore {
  /** The stored record and the effective settings; `ok: false` when what is stored is invalid. */
  read(): Promise<LoadedRecord>;
  update(update: SettingsUpdate): Promise<SettingsUpdateResult>;
  /** The newest audit entries first. */
  auditTrail(count?: number): Promise<AuditEntry[]>;
}

/** The writer of the settings (the dashboard): validated, versioned writes with an audit trail. */
export function createSettingsStore(options: SettingsStoreOptions): SettingsStore {
  const { redis, defaults } = options;
  const keys = settingsKeys(options.prefix);
  const schemaOptions = { allowLocalTargets: options.allowLocalTargets === true };
  const resolveHost = options.resolveHost ?? systemResolveHost;
  const auditMax = options.auditMaxEntries ?? 1000;
  const now = options.now ?? (() => new Date());

  const read = () => loadRecord(redis, keys.record, defaults, schemaOptions);

  async function update({ patch, expectedVersion, updatedBy }: SettingsUpdate): Promise<SettingsUpdateResult> {
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
      return { status: 'invalid', errors: [{ path: '', message: 'expectedVersion must be a non-negative integer' }] };
    }
    const parsed = parseSettingsPatch(patch, schemaOptions);
    if (!parsed.ok) return { status: 'invalid', errors: parsed.errors };

    const current = await read();
    if (current.version !== expectedVersion) return { status: 'conflict', currentVersion: current.version };
    // Invalid stored data (written by hand) is replaced by the patch alone over the defaults.
    const before = current.ok ? current.settings : defaults;
    const stored: SettingsPatch = mergeSettings(current.ok ? current.stored : {}, parsed.value, false);
    const resolved = resolveSettings(defaults, stored, schemaOptions);
    if (!resolved.ok) return { status: 'invalid', errors: resolved.errors };

    const url = parsed.value.webhook?.url;
    if (url !== undefined) {
      const host = new URL(url).hostname;
      const check = await checkResolvedHost(host, resolveHost, { allowLoopback: schemaOptions.allowLocalTargets });
      if (!check.ok) return { status: 'invalid', errors: [{ path: 'webhook.url', message: check.problem }] };
    }

    const changes = diffSettings(before, resolved.value.settings);
    const updatedAt = now().toISOString();
    const actor = maskActor(updatedBy) || 'unknown';
    const [written, version] = (await redis.eval(
      COMPARE_AND_SET,
      2,
      keys.record,
      keys.audit,
      String(expectedVersion),
      updatedAt,
      actor,
      JSON.stringify(resolved.value.stored),
      JSON.stringify(changes),
      String(auditMax),
      keys.changed,
    )) as [number, number];
    if (written !== 1) return { status: 'conflict', currentVersion: version };
    options.log?.info({ code: 'settings.updated', version, fields: changes.map((c) => c.path) });
    return { status: 'updated', version, settings: resolved.value.settings, changes };
  }

  async function auditTrail(count = 50): Promise<AuditEntry[]> {
    const entries = await redis.xrevrange(keys.audit, '+', '-', 'COUNT', count);
    return entries.map(([id, flat]) => {
      const f: Record<string, string> = {};
      for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
      let changes: SettingsChange[] = [];
      try {
        changes = JSON.parse(f['changes'] ?? '[]') as SettingsChange[];
      } catch {
        // an entry added by hand; shown without changes
      }
      return { id, version: parseVersion(f['version']) ?? 0, updatedAt: f['updatedAt'] ?? '', updatedBy: f['updatedBy'] ?? '', changes };
    });
  }

  return { read, update, auditTrail };
}

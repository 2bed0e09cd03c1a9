import { maskEmail } from '@render-signal/logger';
import type { Settings } from './settings.js';

/** One changed field in the audit trail, with values fit to keep: masked (settings hold no secret). */
export interface SettingsChange {
  path: string;
  old: unknown;
  new: unknown;
}

export interface AuditEntry {
  /** Redis stream id (millisecond time and sequence). */
  id: string;
  version: number;
  updatedAt: string;
  updatedBy: string;
  changes: SettingsChange[];
}

const EMAIL = /^[^@\s]+@[^@\s]+$/;

/** A URL reduced to scheme and host: the path of a webhook URL is often its credential. */
function urlOrigin(value: string): string {
  try {
    const url = new URL(value);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '[redacted]';
  }
}

function maskValue(path: string, value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map((v) => maskValue(path, v));
  if (typeof value !== 'string') return value;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return urlOrigin(value);
  if (EMAIL.test(value.trim())) return maskEmail(value);
  return value;
}

/** Who made a change, as the trail keeps it: an e-mail address is masked. */
export function maskActor(actor: string): string {
  const v = actor.trim();
  return v.includes('@') ? maskEmail(v) : v;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The leaf fields whose values differ (lists compare as a whole), old and new masked. */
export function diffSettings(before: Settings, after: Settings): SettingsChange[] {
  const changes: SettingsChange[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (isPlainObject(a) || isPlainObject(b)) {
      const left = isPlainObject(a) ? a : {};
      const right = isPlainObject(b) ? b : {};
      for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) walk(left[key], right[key], path ? `${path}.${key}` : key);
      return;
    }
    if (JSON.stringify(a) === JSON.stringify(b)) return;
    changes.push({ path, old: maskValue(path, a), new: maskValue(path, b) });
  };
  walk(before, after, '');
  return changes;
}

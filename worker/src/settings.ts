import { HttpError } from './http-error.js';

/** The Worker's bindings: the bucket, the secret token and the `[vars]` of wrangler.toml. */
export interface Env {
  R2_BUCKET: R2Bucket;
  R2_FETCH_TOKEN?: string;
  R2_PUBLIC_BASE_URL?: string;
  ACCEPT_TOKEN_HEADER?: string;
  ALLOWED_HOSTS?: string;
  MAX_OBJECT_BYTES?: string;
  SOURCE_TIMEOUT_MS?: string;
  RETENTION_HOURS?: string;
  /** Tests only: lets sources be `http://127.0.0.1:<port>` or `http://localhost:<port>`. */
  ALLOW_LOOPBACK_ORIGINS?: string;
}

export interface Settings {
  token: string;
  publicBaseUrl: string;
  acceptTokenHeader: boolean;
  allowedHosts: string[];
  allowLoopbackOrigins: boolean;
  maxObjectBytes: number;
  sourceTimeoutMs: number;
  retentionHours: number;
}

export const DEFAULT_ALLOWED_HOSTS = 'dropbox.com,dropboxusercontent.com,fromsmash.com,swisstransfer.com,wetransfer.com,we.tl';
const GIB = 1024 * 1024 * 1024;

/** The settings for one request; a missing token or a malformed var is a 500 `not_configured`. */
export function readSettings(env: Env): Settings {
  const token = env.R2_FETCH_TOKEN ?? '';
  if (token === '') throw notConfigured('Worker not configured (R2_FETCH_TOKEN missing)');
  const publicBaseUrl = (env.R2_PUBLIC_BASE_URL ?? '').trim().replace(/\/+$/, '');
  if (publicBaseUrl === '') throw notConfigured('Worker not configured (R2_PUBLIC_BASE_URL missing)');
  return {
    token,
    publicBaseUrl,
    acceptTokenHeader: flag('ACCEPT_TOKEN_HEADER', env.ACCEPT_TOKEN_HEADER, true),
    allowedHosts: hostList(env.ALLOWED_HOSTS ?? DEFAULT_ALLOWED_HOSTS),
    allowLoopbackOrigins: flag('ALLOW_LOOPBACK_ORIGINS', env.ALLOW_LOOPBACK_ORIGINS, false),
    maxObjectBytes: integer('MAX_OBJECT_BYTES', env.MAX_OBJECT_BYTES, 2 * GIB, 0),
    sourceTimeoutMs: integer('SOURCE_TIMEOUT_MS', env.SOURCE_TIMEOUT_MS, 120_000, 1),
    retentionHours: retentionHours(env),
  };
}

/** The cron needs only the retention, not the token. */
export function retentionHours(env: Env): number {
  return integer('RETENTION_HOURS', env.RETENTION_HOURS, 24, 1);
}

function flag(name: string, raw: string | undefined, fallback: boolean): boolean {
  const value = (raw ?? '').trim().toLowerCase();
  if (value === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw notConfigured(`${name}: expected true or false`);
}

function integer(name: string, raw: string | undefined, fallback: number, min: number): number {
  const value = (raw ?? '').trim();
  if (value === '') return fallback;
  if (!/^\d{1,16}$/.test(value) || Number(value) < min) throw notConfigured(`${name}: expected an integer of at least ${min}`);
  return Number(value);
}

function hostList(raw: string): string[] {
  return raw
    .split(',')
    .map((h) => h.trim().toLowerCase().replace(/^\.+|\.+$/g, ''))
    .filter((h) => h !== '');
}

function notConfigured(message: string): HttpError {
  return new HttpError(500, 'not_configured', message);
}

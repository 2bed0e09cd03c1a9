import { z } from 'zod';
import { ConfigError } from './config-error.js';
import {
  booleanVar,
  emailListVar,
  hostListVar,
  weekdayListVar,
  intVar,
  logLevelVar,
  redisUrlVar,
  resolveTimezone,
  timeOfDayVar,
  type LOG_LEVELS,
} from './parse-env.js';
import { checkTargetUrl } from './target-url.js';
import { VARIABLES, type ServiceName, type VariableName } from './variables.js';

export interface Config {
  env: 'development' | 'production' | 'test';
  redis: { url: string; /** true when REDIS_URL was not set */ isDefault: boolean; prefix: string; dataDir: string };
  imap: {
    host: string;
    port: number;
    secure: boolean;
    caFile: string | undefined;
    user: string;
    password: string;
    mailbox: string;
    timeoutMs: number;
    markSeen: boolean;
  };
  fetch: { intervalMs: number; maxMessageBytes: number; rawTtlSeconds: number; leaseTtlMs: number; syncTimeoutMs: number; resyncWindowMs: number; breakerThreshold: number; breakerCooldownMs: number; idle: boolean; idleRestartMs: number };
  /** When the mailbox is synced (the original's active period), in `rules.timezone`. */
  polling: { activeDays: number[]; activeStartHour: number; activeEndHour: number };
  dedupe: { enabled: boolean; ttlSeconds: number };
  rules: {
    senderAllowlist: string[];
    timezone: string;
    window: { start?: string; end?: string };
    allowWithoutLinks: boolean;
    maskContent: boolean;
    contentMaxChars: number | null;
  };
  webhook: { url: string; secret: string | undefined; sendingEnabled: boolean; timeoutMs: number; maxAttempts: number; requireJsonSuccess: boolean };
  delivery: {
    /** First retry delay; later ones are multiples of it (the dispatcher's schedule). */
    retryBaseMs: number;
    /** BullMQ limiter of the dispatch processors; null = no limit. */
    rateLimit: { max: number; durationMs: number } | null;
    logMaxEntries: number;
  };
  r2: {
    /** R2_FETCH_ENABLED with an endpoint and a token; otherwise links pass through unchanged. */
    enabled: boolean;
    endpoint: string;
    token: string;
    auth: 'signed' | 'token';
    bucket: string;
    allowedHosts: string[];
    timeoutMs: number;
    folderTimeoutMs: number;
    deadlineMs: number;
    linksMaxEntries: number;
  };
  http: { port: number; metricsPort: number };
  /** Lock of a running job (JOB_LOCK_SECONDS). */
  jobs: { lockMs: number };
  dashboard: {
    user: string;
    /** Plain text or a `scrypt:` hash (see verifyPassword in the dashboard). */
    password: string;
    secretKey: string;
    magicLinkTtlSeconds: number;
    /** undefined = API-key access off. */
    apiKey: string | undefined;
    sessionTtlSeconds: number;
    trustProxyHops: number;
    loginLimits: { perIp: number; total: number; windowMs: number };
  };
  log: { level: (typeof LOG_LEVELS)[number] };
  allowLocalTargets: boolean;
  /** Accepted but questionable settings, for the caller to log once it has a logger. */
  warnings: string[];
}

const schemas = {
  NODE_ENV: z.enum(['development', 'production', 'test']),
  REDIS_URL: redisUrlVar,
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, "_", "." and "-" only'),
  RENDER_SIGNAL_DATA_DIR: z.string().min(1),
  EMAIL_ADDRESS: z.string().trim(),
  EMAIL_PASSWORD: z.string(),
  IMAP_SERVER: z.string().trim(),
  IMAP_PORT: intVar(1, 65535),
  IMAP_USE_SSL: booleanVar,
  IMAP_TLS_CA_FILE: z.string().trim(),
  IMAP_MAILBOX: z.string().min(1),
  IMAP_MARK_SEEN: z.enum(['after_handoff', 'never'], { error: 'expected after_handoff or never' }),
  IMAP_TIMEOUT_SECONDS: intVar(1, 600),
  FETCH_LEASE_TTL_SECONDS: intVar(2, 3_600),
  FETCH_SYNC_TIMEOUT_SECONDS: intVar(1, 86_400),
  FETCH_BREAKER_THRESHOLD: intVar(1, 1_000),
  FETCH_BREAKER_COOLDOWN_SECONDS: intVar(1, 86_400),
  IMAP_IDLE: booleanVar,
  IMAP_IDLE_RESTART_SECONDS: intVar(10, 1_740),
  POLLING_ACTIVE_DAYS: weekdayListVar,
  POLLING_ACTIVE_START_HOUR: intVar(0, 23),
  POLLING_ACTIVE_END_HOUR: intVar(0, 24),
  EMAIL_POLLING_INTERVAL_SECONDS: intVar(1, 86_400),
  MAX_MESSAGE_BYTES: intVar(1024, 1024 ** 3),
  RAW_MESSAGE_TTL_SECONDS: intVar(60, 30 * 86_400),
  MESSAGE_DEDUPE_TTL_SECONDS: intVar(60, 365 * 86_400),
  FETCH_RESYNC_WINDOW_DAYS: intVar(0, 365),
  DISABLE_EMAIL_ID_DEDUP: booleanVar,
  SENDER_OF_INTEREST_FOR_POLLING: emailListVar,
  POLLING_TIMEZONE: z.string(),
  WEBHOOKS_TIME_START: timeOfDayVar,
  WEBHOOKS_TIME_END: timeOfDayVar,
  ALLOW_CUSTOM_WEBHOOK_WITHOUT_LINKS: booleanVar,
  PAYLOAD_MASK_CONTENT: booleanVar,
  EMAIL_CONTENT_MAX_CHARS: intVar(0, 10_000_000),
  WEBHOOK_URL: z.string().trim(),
  WEBHOOK_SECRET: z
    .string()
    .trim()
    .refine((v) => v === '' || (/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v.slice(6), 'base64').length >= 24), 'must be whsec_ followed by at least 24 bytes in base64'),
  WEBHOOK_SENDING_ENABLED: booleanVar,
  WEBHOOK_TIMEOUT_SECONDS: intVar(1, 300),
  WEBHOOK_MAX_ATTEMPTS: intVar(1, 100),
  WEBHOOK_REQUIRE_JSON_SUCCESS: booleanVar,
  WEBHOOK_RETRY_BASE_SECONDS: intVar(1, 3_600),
  WEBHOOK_RATE_LIMIT_MAX: intVar(0, 1_000_000),
  WEBHOOK_RATE_LIMIT_WINDOW_SECONDS: intVar(1, 86_400),
  WEBHOOK_LOG_MAX_ENTRIES: intVar(10, 1_000_000),
  R2_FETCH_ENABLED: booleanVar,
  R2_FETCH_ENDPOINT: z.string().trim(),
  R2_FETCH_TOKEN: z.string().trim(),
  R2_FETCH_AUTH: z.enum(['signed', 'token'], { error: 'expected signed or token' }),
  R2_BUCKET_NAME: z.string().trim(),
  R2_PUBLIC_BASE_URL: z.string().trim(),
  R2_ALLOWED_HOSTS: hostListVar,
  R2_FETCH_TIMEOUT_SECONDS: intVar(1, 900),
  R2_FETCH_FOLDER_TIMEOUT_SECONDS: intVar(1, 900),
  R2_OFFLOAD_DEADLINE_SECONDS: intVar(1, 86_400),
  R2_LINKS_MAX_ENTRIES: intVar(0, 100_000),
  JOB_LOCK_SECONDS: intVar(2, 3_600),
  RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: booleanVar,
  PORT: intVar(0, 65535),
  TRIGGER_PAGE_USER: z.string().trim().min(1),
  TRIGGER_PAGE_PASSWORD: z.string().refine((v) => v === '' || v.startsWith('scrypt:') || v.length >= 12, 'at least 12 characters, or a scrypt: hash'),
  FLASK_SECRET_KEY: z.string().refine((v) => v === '' || v.length >= 32, 'at least 32 characters'),
  MAGIC_LINK_TTL_SECONDS: intVar(1, 30 * 86_400).transform((v) => Math.max(60, v)),
  TEST_API_KEY: z.string().trim().refine((v) => v === '' || v.length >= 24, 'at least 24 characters'),
  DASHBOARD_SESSION_TTL_SECONDS: intVar(60, 30 * 86_400),
  DASHBOARD_TRUST_PROXY_HOPS: intVar(0, 10),
  DASHBOARD_LOGIN_MAX_PER_IP: intVar(1, 100_000),
  DASHBOARD_LOGIN_MAX_TOTAL: intVar(1, 1_000_000),
  METRICS_PORT: intVar(0, 65535),
  LOG_LEVEL: logLevelVar,
} satisfies Record<VariableName, z.ZodType>;

type Parsed = { [K in VariableName]: z.output<(typeof schemas)[K]> };

/** The value of a variable: its own name first, then its aliases; empty strings count as unset. */
function lookup(env: NodeJS.ProcessEnv, name: string, aliases: readonly string[]): string | undefined {
  for (const key of [name, ...aliases]) {
    const v = env[key];
    if (v !== undefined && v.trim() !== '') return v;
  }
  return undefined;
}

export interface LoadOptions {
  /** Services about to start: their required variables must be set. */
  services?: readonly ServiceName[];
}

/**
 * Reads the environment once, validates every variable and returns a nested, typed config.
 * Throws a ConfigError listing every problem at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  const problems: string[] = [];
  const parsed: Record<string, unknown> = {};
  const provided = new Set<string>();
  const services = options.services ?? [];

  for (const variable of VARIABLES) {
    const raw = lookup(env, variable.name, variable.aliases);
    if (raw !== undefined) provided.add(variable.name);
    const requiredBy = ((variable as { requiredBy?: readonly ServiceName[] }).requiredBy ?? []).filter((s) =>
      services.includes(s),
    );
    if (raw === undefined && requiredBy.length > 0) {
      const also = variable.aliases.length > 0 ? ` (or ${variable.aliases.join(', ')})` : '';
      problems.push(`${variable.name}${also}: required by ${requiredBy.join(', ')} but not set`);
      continue;
    }
    const result = schemas[variable.name].safeParse(raw ?? variable.default);
    if (result.success) {
      parsed[variable.name] = result.data;
    } else {
      // Secrets are never echoed back, even in an error.
      const detail = 'secret' in variable && variable.secret ? 'invalid value' : result.error.issues.map((i) => i.message).join('; ');
      problems.push(`${variable.name}: ${detail}`);
    }
  }

  const p = parsed as Parsed;
  const warnings: string[] = [];

  if (p.RENDER_SIGNAL_ALLOW_LOCAL_TARGETS && p.NODE_ENV === 'production') {
    problems.push('RENDER_SIGNAL_ALLOW_LOCAL_TARGETS: refused when NODE_ENV=production');
  }
  if (p.FETCH_LEASE_TTL_SECONDS !== undefined && p.IMAP_TIMEOUT_SECONDS !== undefined && p.FETCH_LEASE_TTL_SECONDS <= p.IMAP_TIMEOUT_SECONDS) {
    problems.push(`FETCH_LEASE_TTL_SECONDS: must exceed IMAP_TIMEOUT_SECONDS (${p.IMAP_TIMEOUT_SECONDS}), the longest call it guards`);
  }
  if (p.WEBHOOK_URL) {
    const problem = checkTargetUrl(p.WEBHOOK_URL, p.RENDER_SIGNAL_ALLOW_LOCAL_TARGETS === true);
    if (problem) problems.push(`WEBHOOK_URL: ${problem}`);
  }
  if (p.FETCH_RESYNC_WINDOW_DAYS !== undefined && p.MESSAGE_DEDUPE_TTL_SECONDS !== undefined && p.FETCH_RESYNC_WINDOW_DAYS * 86_400 >= p.MESSAGE_DEDUPE_TTL_SECONDS) {
    problems.push(`FETCH_RESYNC_WINDOW_DAYS: must be shorter than MESSAGE_DEDUPE_TTL_SECONDS (${p.MESSAGE_DEDUPE_TTL_SECONDS} s), or a resync could send old messages again`);
  }
  if (p.R2_FETCH_ENDPOINT) {
    const problem = checkTargetUrl(p.R2_FETCH_ENDPOINT, p.RENDER_SIGNAL_ALLOW_LOCAL_TARGETS === true);
    if (problem) problems.push(`R2_FETCH_ENDPOINT: ${problem}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const r2Enabled = p.R2_FETCH_ENABLED && p.R2_FETCH_ENDPOINT !== '' && p.R2_FETCH_TOKEN !== '';
  if (p.R2_FETCH_ENABLED && !r2Enabled) {
    warnings.push('R2_FETCH_ENABLED is true but R2_FETCH_ENDPOINT or R2_FETCH_TOKEN is empty: links are not copied to R2');
  }

  if ((p.WEBHOOKS_TIME_START === undefined) !== (p.WEBHOOKS_TIME_END === undefined)) {
    warnings.push('only one of WEBHOOKS_TIME_START / WEBHOOKS_TIME_END is set: the delivery window is always open');
  }

  if (services.includes('dashboard') && p.NODE_ENV === 'production' && p.DASHBOARD_TRUST_PROXY_HOPS === 0) {
    warnings.push('NODE_ENV=production with DASHBOARD_TRUST_PROXY_HOPS=0: the dashboard sets its session cookie Secure, which needs https as seen through a trusted proxy (Render: set DASHBOARD_TRUST_PROXY_HOPS=1), or nobody can log in');
  }
  const tz = resolveTimezone(p.POLLING_TIMEZONE);
  if (tz.warning) warnings.push(tz.warning);

  return {
    env: p.NODE_ENV,
    redis: { url: p.REDIS_URL, isDefault: !provided.has('REDIS_URL'), prefix: p.REDIS_PREFIX, dataDir: p.RENDER_SIGNAL_DATA_DIR },
    imap: {
      host: p.IMAP_SERVER,
      port: p.IMAP_PORT,
      secure: p.IMAP_USE_SSL,
      caFile: p.IMAP_TLS_CA_FILE || undefined,
      user: p.EMAIL_ADDRESS,
      password: p.EMAIL_PASSWORD,
      mailbox: p.IMAP_MAILBOX,
      timeoutMs: p.IMAP_TIMEOUT_SECONDS * 1000,
      markSeen: p.IMAP_MARK_SEEN === 'after_handoff',
    },
    fetch: {
      intervalMs: p.EMAIL_POLLING_INTERVAL_SECONDS * 1000,
      maxMessageBytes: p.MAX_MESSAGE_BYTES,
      rawTtlSeconds: p.RAW_MESSAGE_TTL_SECONDS,
      leaseTtlMs: p.FETCH_LEASE_TTL_SECONDS * 1000,
      syncTimeoutMs: p.FETCH_SYNC_TIMEOUT_SECONDS * 1000,
      resyncWindowMs: p.FETCH_RESYNC_WINDOW_DAYS * 86_400_000,
      breakerThreshold: p.FETCH_BREAKER_THRESHOLD,
      breakerCooldownMs: p.FETCH_BREAKER_COOLDOWN_SECONDS * 1000,
      idle: p.IMAP_IDLE,
      idleRestartMs: p.IMAP_IDLE_RESTART_SECONDS * 1000,
    },
    polling: { activeDays: p.POLLING_ACTIVE_DAYS, activeStartHour: p.POLLING_ACTIVE_START_HOUR, activeEndHour: p.POLLING_ACTIVE_END_HOUR },
    dedupe: { enabled: !p.DISABLE_EMAIL_ID_DEDUP, ttlSeconds: p.MESSAGE_DEDUPE_TTL_SECONDS },
    rules: {
      senderAllowlist: p.SENDER_OF_INTEREST_FOR_POLLING,
      timezone: tz.zone,
      window: { start: p.WEBHOOKS_TIME_START, end: p.WEBHOOKS_TIME_END },
      allowWithoutLinks: p.ALLOW_CUSTOM_WEBHOOK_WITHOUT_LINKS,
      maskContent: p.PAYLOAD_MASK_CONTENT,
      contentMaxChars: p.EMAIL_CONTENT_MAX_CHARS === 0 ? null : p.EMAIL_CONTENT_MAX_CHARS,
    },
    webhook: {
      url: p.WEBHOOK_URL,
      secret: p.WEBHOOK_SECRET || undefined,
      sendingEnabled: p.WEBHOOK_SENDING_ENABLED,
      timeoutMs: p.WEBHOOK_TIMEOUT_SECONDS * 1000,
      maxAttempts: p.WEBHOOK_MAX_ATTEMPTS,
      requireJsonSuccess: p.WEBHOOK_REQUIRE_JSON_SUCCESS,
    },
    delivery: {
      retryBaseMs: p.WEBHOOK_RETRY_BASE_SECONDS * 1000,
      rateLimit: p.WEBHOOK_RATE_LIMIT_MAX === 0 ? null : { max: p.WEBHOOK_RATE_LIMIT_MAX, durationMs: p.WEBHOOK_RATE_LIMIT_WINDOW_SECONDS * 1000 },
      logMaxEntries: p.WEBHOOK_LOG_MAX_ENTRIES,
    },
    r2: {
      enabled: r2Enabled,
      endpoint: p.R2_FETCH_ENDPOINT,
      token: p.R2_FETCH_TOKEN,
      auth: p.R2_FETCH_AUTH,
      bucket: p.R2_BUCKET_NAME,
      allowedHosts: p.R2_ALLOWED_HOSTS,
      timeoutMs: p.R2_FETCH_TIMEOUT_SECONDS * 1000,
      folderTimeoutMs: p.R2_FETCH_FOLDER_TIMEOUT_SECONDS * 1000,
      deadlineMs: p.R2_OFFLOAD_DEADLINE_SECONDS * 1000,
      linksMaxEntries: p.R2_LINKS_MAX_ENTRIES,
    },
    http: { port: p.PORT, metricsPort: p.METRICS_PORT },
    jobs: { lockMs: p.JOB_LOCK_SECONDS * 1000 },
    dashboard: {
      user: p.TRIGGER_PAGE_USER,
      password: p.TRIGGER_PAGE_PASSWORD,
      secretKey: p.FLASK_SECRET_KEY,
      magicLinkTtlSeconds: p.MAGIC_LINK_TTL_SECONDS,
      apiKey: p.TEST_API_KEY || undefined,
      sessionTtlSeconds: p.DASHBOARD_SESSION_TTL_SECONDS,
      trustProxyHops: p.DASHBOARD_TRUST_PROXY_HOPS,
      loginLimits: { perIp: p.DASHBOARD_LOGIN_MAX_PER_IP, total: p.DASHBOARD_LOGIN_MAX_TOTAL, windowMs: 15 * 60_000 },
    },
    log: { level: p.LOG_LEVEL },
    allowLocalTargets: p.RENDER_SIGNAL_ALLOW_LOCAL_TARGETS,
    warnings,
  };
}

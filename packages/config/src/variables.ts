/**
 * Every environment variable render-signal reads, in one table. The README's configuration table
 * is checked against this list by a test, so the two cannot drift apart.
 * `aliases` are read when the main name is unset or empty; the original system's names are main
 * names, so an existing deployment keeps working unchanged.
 */
export interface VariableDoc {
  name: string;
  aliases: readonly string[];
  default: string;
  description: string;
  /** Services that refuse to start without it. */
  requiredBy?: readonly ServiceName[];
  secret?: boolean;
}

export const SERVICE_NAMES = ['imap-fetcher', 'parser', 'r2-offloader', 'webhook-dispatcher', 'dashboard'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const VARIABLES = [
  { name: 'NODE_ENV', aliases: [], default: 'development', description: '`production` turns on the production checks (no local targets).' },
  { name: 'REDIS_URL', aliases: [], default: 'redis://127.0.0.1:6379', description: 'Redis for queues and state. When unset and nothing answers on the default address, `pnpm start` starts a local `redis-server`.' },
  { name: 'REDIS_PREFIX', aliases: ['RENDER_SIGNAL_REDIS_PREFIX'], default: 'rs', description: 'Prefix of every Redis key (queues included), so several deployments can share one Redis.' },
  { name: 'RENDER_SIGNAL_DATA_DIR', aliases: [], default: '.render-signal', description: 'Where a locally started `redis-server` keeps its append-only file.' },
  { name: 'EMAIL_ADDRESS', aliases: ['IMAP_USER'], default: '', description: 'IMAP login of the watched mailbox.', requiredBy: ['imap-fetcher'] },
  { name: 'EMAIL_PASSWORD', aliases: ['IMAP_PASSWORD'], default: '', description: 'IMAP password.', requiredBy: ['imap-fetcher'], secret: true },
  { name: 'IMAP_SERVER', aliases: ['IMAP_HOST'], default: '', description: 'IMAP host name.', requiredBy: ['imap-fetcher'] },
  { name: 'IMAP_PORT', aliases: [], default: '993', description: 'IMAP port (993 for implicit TLS, 143 for STARTTLS).' },
  { name: 'IMAP_USE_SSL', aliases: ['IMAP_TLS'], default: 'true', description: 'Implicit TLS (port 993). When false, the connection is upgraded with STARTTLS if the server offers it.' },
  { name: 'IMAP_TLS_CA_FILE', aliases: [], default: '', description: 'PEM file of an extra certificate authority to trust for IMAP (a self-signed server). Certificates are always verified.' },
  { name: 'IMAP_MARK_SEEN', aliases: [], default: 'after_handoff', description: '`after_handoff`: a message is marked \\Seen once its parse job exists (the original marked every fetched message read, even those it then lost); `never`: flags are left alone and the mailbox is opened read-only.' },
  { name: 'IMAP_MAILBOX', aliases: [], default: 'INBOX', description: 'Mailbox to watch.' },
  { name: 'IMAP_TIMEOUT_SECONDS', aliases: [], default: '30', description: 'Timeout of the IMAP connection and of each command.' },
  { name: 'FETCH_LEASE_TTL_SECONDS', aliases: [], default: '90', description: 'Lifetime of the mailbox lease that keeps one fetcher syncing at a time (renewed every third of it while a sync runs). Must exceed IMAP_TIMEOUT_SECONDS.' },
  { name: 'FETCH_SYNC_TIMEOUT_SECONDS', aliases: [], default: '300', description: 'Watchdog of one mailbox sync: past it the IMAP connection is destroyed and the sync fails (the next tick retries), so a server that hangs or trickles can never keep the fetcher stuck.' },
  { name: 'FETCH_BREAKER_THRESHOLD', aliases: [], default: '5', description: 'Failed syncs in a row after which the fetcher stops trying for FETCH_BREAKER_COOLDOWN_SECONDS (circuit breaker: `/readyz` reports `imap: false`, metric `render_signal_fetch_circuit_open`). A refused login or a missing mailbox opens it at once for 5 minutes.' },
  { name: 'FETCH_BREAKER_COOLDOWN_SECONDS', aliases: [], default: '60', description: 'How long an open circuit skips syncs before one trial sync decides whether it closes.' },
  { name: 'IMAP_IDLE', aliases: [], default: 'true', description: 'Push: one instance keeps an IDLE connection and syncs as soon as the server reports new mail; the polling interval is then only the safety sweep.' },
  { name: 'IMAP_IDLE_RESTART_SECONDS', aliases: [], default: '1500', description: 'How often the IDLE command is restarted (servers may drop an IDLE older than 29 minutes).' },
  { name: 'POLLING_ACTIVE_DAYS', aliases: [], default: '0,1,2,3,4', description: 'Weekdays on which the mailbox is synced, 0 = Monday … 6 = Sunday (in POLLING_TIMEZONE); non-digit tokens are dropped and an empty list means Monday–Friday, as in the original. The dashboard can change it at run time.' },
  { name: 'POLLING_ACTIVE_START_HOUR', aliases: [], default: '9', description: 'First hour of the active period (inclusive, 0–23).' },
  { name: 'POLLING_ACTIVE_END_HOUR', aliases: [], default: '23', description: 'Hour the active period ends (exclusive, 0–24; 24 = midnight, so 0–24 syncs all day). Start > end wraps over midnight; start = end never syncs.' },
  { name: 'EMAIL_POLLING_INTERVAL_SECONDS', aliases: ['FETCH_INTERVAL_SECONDS'], default: '30', description: 'How often the mailbox is synced.' },
  { name: 'MAX_MESSAGE_BYTES', aliases: [], default: '26214400', description: 'Messages larger than this (RFC822.SIZE) are not downloaded; they go to `parse.dead` with the reason `message_too_large`.' },
  { name: 'RAW_MESSAGE_TTL_SECONDS', aliases: [], default: '86400', description: 'Lifetime in Redis of a raw message waiting for the parser (deleted as soon as it is parsed).' },
  { name: 'MESSAGE_DEDUPE_TTL_SECONDS', aliases: [], default: '1209600', description: 'How long a Message-ID is remembered (14 days by default): the same message seen again in that time (another copy, a mailbox reset) produces no second webhook.' },
  { name: 'FETCH_RESYNC_WINDOW_DAYS', aliases: [], default: '3', description: 'When the mailbox UIDVALIDITY changes (mailbox recreated or restored), the unseen messages and those that arrived in the last N days are read again; copies already handed on are skipped by Message-ID, so the window must be shorter than MESSAGE_DEDUPE_TTL_SECONDS.' },
  { name: 'DISABLE_EMAIL_ID_DEDUP', aliases: [], default: 'false', description: 'Turns the Message-ID deduplication off (the original read this variable but never applied it).' },
  { name: 'SENDER_OF_INTEREST_FOR_POLLING', aliases: ['SENDER_ALLOWLIST'], default: '', description: 'Comma-separated sender addresses whose mail is processed; empty = every sender.' },
  { name: 'POLLING_TIMEZONE', aliases: ['TIMEZONE'], default: 'Europe/Paris', description: 'IANA time zone of delivery windows and URGENCE deadlines; `UTC` or an unknown zone means UTC, as in the original.' },
  { name: 'WEBHOOKS_TIME_START', aliases: ['WEBHOOK_TIME_START'], default: '', description: 'Start of the delivery window (`HHhMM` or `HH:MM`); empty = always open.' },
  { name: 'WEBHOOKS_TIME_END', aliases: ['WEBHOOK_TIME_END'], default: '', description: 'End of the delivery window (exclusive).' },
  { name: 'ALLOW_CUSTOM_WEBHOOK_WITHOUT_LINKS', aliases: [], default: 'false', description: 'Send emails that have no delivery link (otherwise they are skipped).' },
  { name: 'PAYLOAD_MASK_CONTENT', aliases: [], default: 'true', description: 'Mask third-party e-mail addresses and phone numbers inside `bodyPreview` and `email_content`.' },
  { name: 'EMAIL_CONTENT_MAX_CHARS', aliases: [], default: '20000', description: 'Cap of `email_content` in code points; `0` = no cap.' },
  { name: 'WEBHOOK_URL', aliases: [], default: '', description: 'Receiver of the webhooks. https only (see `RENDER_SIGNAL_ALLOW_LOCAL_TARGETS`).', requiredBy: ['webhook-dispatcher'] },
  { name: 'WEBHOOK_SECRET', aliases: [], default: '', description: 'Standard Webhooks signing secret (`whsec_` followed by base64, at least 24 bytes). When set, every delivery carries `webhook-signature`; `webhook-id` and `webhook-timestamp` are always sent. Environment only: not a dashboard setting; a change needs a restart of the webhook-dispatcher.', secret: true },
  { name: 'WEBHOOK_SENDING_ENABLED', aliases: [], default: 'true', description: 'Kill switch: when false, dispatch jobs wait (they are retried later) instead of being sent.' },
  { name: 'WEBHOOK_TIMEOUT_SECONDS', aliases: [], default: '30', description: 'Timeout of one delivery attempt.' },
  { name: 'WEBHOOK_MAX_ATTEMPTS', aliases: [], default: '10', description: 'Delivery attempts before a webhook goes to `dispatch.dead`.' },
  { name: 'WEBHOOK_REQUIRE_JSON_SUCCESS', aliases: [], default: 'true', description: 'As the original: a delivery succeeds only on HTTP 200 with a JSON body whose `success` is true. When false, any 2xx succeeds.' },
  { name: 'WEBHOOK_RETRY_BASE_SECONDS', aliases: [], default: '5', description: 'First retry delay of a failed delivery. Later retries follow a Svix-like schedule in multiples of it (×1, ×60, ×360, ×1440, ×3600, then ×7200: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h by default, minus up to 20 % jitter), so the default 10 attempts span about two days. A 429 or 503 with `Retry-After` waits at least that long (capped at 1 h).' },
  { name: 'WEBHOOK_RATE_LIMIT_MAX', aliases: [], default: '600', description: 'At most this many delivery attempts per WEBHOOK_RATE_LIMIT_WINDOW_SECONDS, across every dispatcher (BullMQ limiter); others wait their turn, none is dropped. `0` = no limit.' },
  { name: 'WEBHOOK_RATE_LIMIT_WINDOW_SECONDS', aliases: [], default: '60', description: 'Window of WEBHOOK_RATE_LIMIT_MAX.' },
  { name: 'WEBHOOK_LOG_MAX_ENTRIES', aliases: [], default: '500', description: 'Delivery attempts kept in the delivery log (`<prefix>:dispatch:delivery-log`, a Redis stream; approximate cap). No subject, address or body is stored, only hashes and codes.' },
  { name: 'R2_FETCH_ENABLED', aliases: [], default: 'false', description: 'Copy every delivery link of a sent email to Cloudflare R2 through the Worker (`worker/`). Needs R2_FETCH_ENDPOINT and R2_FETCH_TOKEN; a link that cannot be copied keeps its source URL and never holds the webhook back.' },
  { name: 'R2_FETCH_ENDPOINT', aliases: [], default: '', description: 'URL of the Worker. https only (see `RENDER_SIGNAL_ALLOW_LOCAL_TARGETS`).' },
  { name: 'R2_FETCH_TOKEN', aliases: [], default: '', description: 'Secret shared with the Worker: the HMAC key of signed requests, or the `X-R2-FETCH-TOKEN` header value with R2_FETCH_AUTH=token.', secret: true },
  { name: 'R2_FETCH_AUTH', aliases: [], default: 'signed', description: '`signed`: each request carries `X-R2-Timestamp` and an HMAC-SHA256 `X-R2-Signature` (the token never travels, replays are refused); `token`: the original `X-R2-FETCH-TOKEN` header, for a Worker of the original system.' },
  { name: 'R2_BUCKET_NAME', aliases: [], default: '', description: 'Copied into each Worker request as `bucket`, as the original did.' },
  { name: 'R2_PUBLIC_BASE_URL', aliases: [], default: '', description: 'Accepted for compatibility; the Worker builds the public URLs.' },
  { name: 'R2_ALLOWED_HOSTS', aliases: [], default: 'dropbox.com,fromsmash.com,swisstransfer.com,wetransfer.com', description: 'Hosts (and their subdomains) whose links may be sent to the Worker; the Worker checks its own list too.' },
  { name: 'R2_FETCH_TIMEOUT_SECONDS', aliases: [], default: '15', description: 'Timeout of one Worker call (as the original).' },
  { name: 'R2_FETCH_FOLDER_TIMEOUT_SECONDS', aliases: [], default: '120', description: 'Timeout of one Worker call for a Dropbox folder link (`/scl/fo/`), which the Worker receives as a zip built on the fly.' },
  { name: 'R2_OFFLOAD_DEADLINE_SECONDS', aliases: [], default: '300', description: 'How long after the email was handed on its links may keep trying: past it, a link that could not be copied goes out with its source URL, so the webhook is never held longer than this.' },
  { name: 'R2_LINKS_MAX_ENTRIES', aliases: [], default: '1000', description: 'Number of source→R2 pairs kept in Redis (`<prefix>:r2:links`, newest first).' },
  { name: 'JOB_LOCK_SECONDS', aliases: [], default: '60', description: 'How long a worker holds a job it runs (renewed while it runs). A worker that dies mid-job (killed, out of memory) leaves its job to another worker after at most this long plus the stalled-job check (every half of it). Every stage\'s own timeouts are shorter.' },
  { name: 'RENDER_SIGNAL_ALLOW_LOCAL_TARGETS', aliases: [], default: 'false', description: 'Development only: lets the webhook, the Worker endpoint and source links point at `http://127.0.0.1` or `localhost`. Refused when `NODE_ENV=production`.' },
  { name: 'PORT', aliases: [], default: '8000', description: 'HTTP port of the dashboard.' },
  { name: 'TRIGGER_PAGE_USER', aliases: ['DASHBOARD_USER'], default: 'admin', description: 'Dashboard login name (the only user).' },
  { name: 'TRIGGER_PAGE_PASSWORD', aliases: ['DASHBOARD_PASSWORD'], default: '', description: 'Dashboard password: plain text (at least 12 characters) or, better, a hash printed by `pnpm render-signal hash-password` (`scrypt:…`).', requiredBy: ['dashboard'], secret: true },
  { name: 'FLASK_SECRET_KEY', aliases: ['DASHBOARD_SECRET_KEY'], default: '', description: 'Key that signs the dashboard session cookie and the magic links (at least 32 characters, e.g. `openssl rand -base64 48`). Changing it logs everyone out and voids every magic link.', requiredBy: ['dashboard'], secret: true },
  { name: 'MAGIC_LINK_TTL_SECONDS', aliases: [], default: '900', description: 'Lifetime of a one-shot magic link (floored at 60 s, as the original). Permanent links last until revoked.' },
  { name: 'TEST_API_KEY', aliases: ['DASHBOARD_API_KEY'], default: '', description: 'API key for automation: a request with the header `X-API-Key` equal to it (compared in constant time) may call the dashboard API without a session or CSRF token. Empty = off; at least 24 characters.', secret: true },
  { name: 'DASHBOARD_SESSION_TTL_SECONDS', aliases: [], default: '43200', description: 'A dashboard session ends after this long without a request (sessions live in Redis).' },
  { name: 'DASHBOARD_TRUST_PROXY_HOPS', aliases: [], default: '0', description: 'Reverse proxies in front of the dashboard whose `X-Forwarded-*` headers are trusted (Render: 1). Sets the client address used by the login limits and lets Secure cookies work behind a TLS-terminating proxy.' },
  { name: 'DASHBOARD_LOGIN_MAX_PER_IP', aliases: [], default: '10', description: 'Failed-or-not login attempts (password or magic link) allowed per client address in 15 minutes; more get 429.' },
  { name: 'DASHBOARD_LOGIN_MAX_TOTAL', aliases: [], default: '100', description: 'Login attempts allowed from all addresses together in 15 minutes (a distributed guess is slowed too).' },
  { name: 'METRICS_PORT', aliases: [], default: '9400', description: 'Port of `/healthz`, `/readyz` and `/metrics` when all services run in one process; a service started alone uses this port plus its index (imap-fetcher +1, parser +2, r2-offloader +3, webhook-dispatcher +4). `0` picks a free port.' },
  { name: 'LOG_LEVEL', aliases: ['FLASK_LOG_LEVEL'], default: 'info', description: 'pino level: `fatal`, `error`, `warn`, `info`, `debug` or `trace` (any case).' },
] as const satisfies readonly VariableDoc[];

export type VariableName = (typeof VARIABLES)[number]['name'];

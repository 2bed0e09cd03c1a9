/**
 * Every log line carries one of these codes. They are part of the operational contract:
 * alerts and dashboards grep for them, so a code is never renamed, only added or retired.
 * The README's table of log codes is checked against this list by a test.
 */
export const LOG_CODES = {
  'service.starting': { level: 'info', text: 'A service is starting.' },
  'service.started': { level: 'info', text: 'A service is ready and processing.' },
  'service.stopping': { level: 'info', text: 'Shutdown began (signal received); processors stop taking jobs.' },
  'service.stopped': { level: 'info', text: 'Shutdown finished cleanly.' },
  'service.shutdown_failed': { level: 'error', text: 'A component did not stop cleanly or in time during shutdown.' },
  'service.crashed': { level: 'fatal', text: 'An unexpected error stopped the process.' },
  'config.invalid': { level: 'fatal', text: 'The configuration is unusable; every problem is listed. Exit code 78.' },
  'config.warning': { level: 'warn', text: 'A setting was accepted but is probably not what was meant.' },
  'redis.started_local': { level: 'info', text: 'No Redis answered on the default address, so a local redis-server was started.' },
  'redis.unavailable': { level: 'error', text: 'Redis does not answer.' },
  'redis.error': { level: 'warn', text: 'A Redis connection reported an error (it reconnects by itself).' },
  'http.listening': { level: 'info', text: 'The health/metrics (or dashboard) HTTP server is listening.' },
  'job.completed': { level: 'debug', text: 'A job finished successfully.' },
  'job.retrying': { level: 'warn', text: 'A job failed and will be retried with backoff.' },
  'job.dead_lettered': { level: 'error', text: 'A job failed for good and was moved to its `<queue>.dead` queue with the reason.' },
  'job.invalid_data': { level: 'error', text: 'A job did not match its queue contract; it fails without retries.' },
  'fetch.scheduled': { level: 'info', text: 'The mailbox sync schedule was created or updated.' },
  'fetch.synced': { level: 'info', text: 'A mailbox sync finished; counts of new messages and enqueued parse jobs.' },
  'fetch.lease_busy': { level: 'info', text: 'Another instance holds the mailbox lease and is syncing; this tick does nothing.' },
  'fetch.lease_lost': { level: 'warn', text: 'A newer instance took the mailbox lease during a sync (this one was paused past the TTL); the sync stopped and its cursor writes were refused.' },
  'fetch.watching': { level: 'info', text: 'This instance holds the watch lease and keeps an IDLE connection on the mailbox: new mail is synced as the server reports it.' },
  'fetch.watch_failed': { level: 'warn', text: 'The IDLE connection failed or closed; it is rebuilt after `retryInMs` (capped exponential backoff with jitter; 5 minutes after a refused login).' },
  'fetch.uidvalidity_changed': { level: 'warn', text: 'The mailbox UIDVALIDITY changed: the cursor restarts from the unseen messages.' },
  'fetch.message_too_large': { level: 'warn', text: 'A message exceeds MAX_MESSAGE_BYTES; it is not downloaded and goes to parse.dead.' },
  'fetch.failed': { level: 'error', text: 'A mailbox sync failed (connection, login or command); the next tick retries.' },
  'parse.decided': { level: 'info', text: 'A message was parsed: detector, number of links and the next stage.' },
  'parse.skipped': { level: 'info', text: 'A message is not sent; `reason` says why: sender_not_allowlisted, reply_or_forward, outside_window, no_delivery_links, duplicate_message (its Message-ID was already handed on) or already_handed_on (a retried job whose earlier run finished the work).' },
  'parse.html_truncated': { level: 'warn', text: 'HTML content truncated (exceeded the 1 MiB limit).' },
  'offload.passed_through': { level: 'info', text: 'A link was returned to its dispatch job unchanged (R2 copy not wired yet).' },
  'dispatch.delivered': { level: 'info', text: 'The receiver accepted a webhook.' },
  'dispatch.failed': { level: 'warn', text: 'A delivery attempt failed; `retryable` says whether it will be retried.' },
  'dispatch.sending_disabled': { level: 'warn', text: 'WEBHOOK_SENDING_ENABLED is false: the delivery is postponed.' },
} as const satisfies Record<string, { level: 'debug' | 'info' | 'warn' | 'error' | 'fatal'; text: string }>;

export type LogCode = keyof typeof LOG_CODES;

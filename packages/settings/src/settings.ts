/** English weekday names, lower-case, Monday first: the original's `absence_pause_days` values. */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * The runtime settings every service reads: the environment gives the defaults, the dashboard
 * stores overrides in Redis. Optional fields are "not set" when absent.
 */
export interface Settings {
  webhook: {
    /** Receiver of the webhooks: https only, never a private address (WEBHOOK_URL). */
    url: string;
    /** Kill switch of the original: false postpones every delivery (WEBHOOK_SENDING_ENABLED). */
    sendingEnabled: boolean;
    /** Success = HTTP 200 with a JSON body whose `success` is true; false = any 2xx (WEBHOOK_REQUIRE_JSON_SUCCESS). */
    requireJsonSuccess: boolean;
    /** Timeout of one delivery attempt, 1–300 s (WEBHOOK_TIMEOUT_SECONDS). */
    timeoutSeconds: number;
    /** Attempts before a webhook goes to `dispatch.dead`, 1–100 (WEBHOOK_MAX_ATTEMPTS). */
    maxAttempts: number;
    /** First retry delay; later retries are multiples of it, with jitter (WEBHOOK_RETRY_BASE_SECONDS). */
    retryBaseDelaySeconds: number;
    /** At most `max` delivery attempts per `windowSeconds`; `max` 0 = unlimited; over the limit, deliveries wait (WEBHOOK_RATE_LIMIT_MAX, WEBHOOK_RATE_LIMIT_WINDOW_SECONDS). */
    rateLimit: { max: number; windowSeconds: number };
    /** Outside the delivery window: true holds a message until the window opens, false skips it (the original). */
    holdOutsideWindow: boolean;
  };
  /**
   * Delivery window in `timezone`, `HHhMM` or `HH:MM`, end exclusive; start > end wraps over
   * midnight, start == end is never open, unset = always open (WEBHOOKS_TIME_START/END).
   */
  window: { start?: string; end?: string };
  /** IANA time zone of the window, absence days, polling schedule and URGENCE (POLLING_TIMEZONE). */
  timezone: string;
  /** Days on which nothing is sent (the original's absence pause); in `timezone`, not UTC. */
  absenceDays: Weekday[];
  polling: {
    /** Weekdays on which the mailbox is polled, 0 = Monday … 6 = Sunday; an empty list means Monday–Friday. */
    activeDays: number[];
    /** First hour of polling, 0–23, inclusive. */
    activeStartHour: number;
    /** Hour polling stops, 0–24, exclusive (24 = midnight); start > end wraps over midnight, start == end never polls. */
    activeEndHour: number;
    /** First day of a vacation (`YYYY-MM-DD`, inclusive, in `timezone`); a vacation needs both dates. */
    vacationStart?: string;
    /** Last day of a vacation (`YYYY-MM-DD`, inclusive). */
    vacationEnd?: string;
    /** False stops polling altogether. */
    enabled: boolean;
  };
  /** Senders whose mail is processed, lower-case; empty = every sender (SENDER_OF_INTEREST_FOR_POLLING). */
  senderAllowlist: string[];
  /** Hosts delivery links may be copied from; a host matches an entry or any subdomain of it (R2_ALLOWED_HOSTS). */
  providerAllowlist: string[];
  /** The original's runtime flags, which its dashboard saved but nothing applied; here the parser reads them per message. */
  processing: {
    /** A message already handed on (same Message-ID) is not sent again (the inverse of DISABLE_EMAIL_ID_DEDUP). */
    dedupeByMessageId: boolean;
    /** Emails with no delivery link are sent too (ALLOW_CUSTOM_WEBHOOK_WITHOUT_LINKS). */
    sendWithoutLinks: boolean;
  };
  killSwitches: {
    /** True: the imap-fetcher does not sync the mailbox. */
    fetchPaused: boolean;
    /** True: the webhook-dispatcher takes no jobs; they wait in the queue. */
    dispatchPaused: boolean;
    /** True: links are passed through without an R2 copy. */
    offloadDisabled: boolean;
  };
}

type Patch<T> = {
  [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? Patch<T[K]> : undefined extends T[K] ? Exclude<T[K], undefined> | null : T[K];
};

/**
 * What the dashboard writes and Redis stores: any subset of the settings. A key present overrides
 * the environment default; `null` on an optional field means "not set" (e.g. no vacation).
 */
export type SettingsPatch = Patch<Settings>;


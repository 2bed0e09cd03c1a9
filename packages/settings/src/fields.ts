/** One field of the settings, for the README table and the dashboard's form labels. */
export interface SettingsFieldDoc {
  path: string;
  type: string;
  /** Where the default comes from: an environment variable, or a fixed value. */
  default: string;
  description: string;
}

/** Every field of `Settings`, in order. A test keeps this list, the type and the README in step. */
export const SETTINGS_FIELDS: readonly SettingsFieldDoc[] = [
  { path: 'webhook.url', type: 'https URL', default: '`WEBHOOK_URL`', description: 'Receiver of the webhooks. https only, no credentials, and its host must resolve to public addresses only (checked on every write). A Make.com hook given as `token@hook.eu2.make.com` or as the bare token becomes `https://hook.eu2.make.com/token`. Cannot be emptied.' },
  { path: 'webhook.sendingEnabled', type: 'boolean', default: '`WEBHOOK_SENDING_ENABLED`', description: 'False postpones every delivery (the original\'s sending switch).' },
  { path: 'webhook.requireJsonSuccess', type: 'boolean', default: '`WEBHOOK_REQUIRE_JSON_SUCCESS`', description: 'True: success is HTTP 200 with a JSON body whose `success` is true (the original); false: any 2xx.' },
  { path: 'webhook.timeoutSeconds', type: 'integer 1–300', default: '`WEBHOOK_TIMEOUT_SECONDS`', description: 'Timeout of one delivery attempt.' },
  { path: 'webhook.maxAttempts', type: 'integer 1–100', default: '`WEBHOOK_MAX_ATTEMPTS`', description: 'Attempts before a webhook goes to `dispatch.dead`.' },
  { path: 'webhook.retryBaseDelaySeconds', type: 'integer 1–3600', default: '`WEBHOOK_RETRY_BASE_SECONDS`', description: 'First retry delay; later retries are multiples of it, with jitter.' },
  { path: 'webhook.rateLimit.max', type: 'integer 0–1000000', default: '`WEBHOOK_RATE_LIMIT_MAX`', description: 'Delivery attempts allowed per window; 0 = no limit. Over the limit, deliveries wait.' },
  { path: 'webhook.rateLimit.windowSeconds', type: 'integer 1–86400', default: '`WEBHOOK_RATE_LIMIT_WINDOW_SECONDS` (60 when the limit is 0)', description: 'Length of the rate-limit window.' },
  { path: 'webhook.holdOutsideWindow', type: 'boolean', default: 'false', description: 'Outside the delivery window: true holds a message until the window opens; false skips it, as the original did.' },
  { path: 'window.start', type: '`HHhMM`, `HH:MM` or null', default: '`WEBHOOKS_TIME_START`', description: 'Start of the delivery window, in `timezone`. Set both ends or neither; unset = always open.' },
  { path: 'window.end', type: '`HHhMM`, `HH:MM` or null', default: '`WEBHOOKS_TIME_END`', description: 'End of the delivery window, exclusive. start > end wraps over midnight; start = end is never open.' },
  { path: 'timezone', type: 'IANA zone', default: '`POLLING_TIMEZONE`', description: 'Zone of the window, absence days, polling schedule and URGENCE deadlines (`UTC` in any case is accepted).' },
  { path: 'absenceDays', type: 'list of `monday`…`sunday`', default: 'none', description: 'Days on which nothing is sent (the original\'s absence pause), in `timezone` rather than the server\'s zone. Names are trimmed and lower-cased.' },
  { path: 'polling.activeDays', type: 'list of 0–6 (0 = Monday)', default: '`POLLING_ACTIVE_DAYS`', description: 'Weekdays on which the mailbox is polled; an empty list means Monday–Friday, as in the original.' },
  { path: 'polling.activeStartHour', type: 'integer 0–23', default: '`POLLING_ACTIVE_START_HOUR`', description: 'First hour of polling, inclusive.' },
  { path: 'polling.activeEndHour', type: 'integer 0–24', default: '`POLLING_ACTIVE_END_HOUR`', description: 'Hour polling stops, exclusive (24 = midnight); start > end wraps over midnight, start = end never polls.' },
  { path: 'polling.vacationStart', type: '`YYYY-MM-DD` or null', default: 'none', description: 'First day of a vacation (inclusive, in `timezone`); a vacation needs both dates.' },
  { path: 'polling.vacationEnd', type: '`YYYY-MM-DD` or null', default: 'none', description: 'Last day of a vacation (inclusive); not before `vacationStart`.' },
  { path: 'polling.enabled', type: 'boolean', default: 'true', description: 'False stops polling altogether.' },
  { path: 'senderAllowlist', type: 'list of e-mail addresses', default: '`SENDER_OF_INTEREST_FOR_POLLING`', description: 'Senders whose mail is processed, lower-cased; empty = every sender.' },
  { path: 'providerAllowlist', type: 'list of host names', default: '`R2_ALLOWED_HOSTS`', description: 'Hosts delivery links may be copied from; an entry also covers its subdomains.' },
  { path: 'processing.dedupeByMessageId', type: 'boolean', default: 'not `DISABLE_EMAIL_ID_DEDUP`', description: 'True: a message whose Message-ID was already handed on (another copy, a mailbox reset) is not sent again.' },
  { path: 'processing.sendWithoutLinks', type: 'boolean', default: '`ALLOW_CUSTOM_WEBHOOK_WITHOUT_LINKS`', description: 'True: emails without a delivery link are sent too; false skips them (reason `no_delivery_links`).' },
  { path: 'killSwitches.fetchPaused', type: 'boolean', default: 'false', description: 'True: the imap-fetcher does not sync the mailbox.' },
  { path: 'killSwitches.dispatchPaused', type: 'boolean', default: 'false', description: 'True: the webhook-dispatcher takes no jobs; they wait in the queue.' },
  { path: 'killSwitches.offloadDisabled', type: 'boolean', default: 'false', description: 'True: links are passed through without an R2 copy.' },
];

/** The README's markdown table of SETTINGS_FIELDS. */
export function settingsFieldTable(): string {
  const rows = SETTINGS_FIELDS.map((f) => `| \`${f.path}\` | ${f.type} | ${f.default} | ${f.description} |`);
  return ['| Field | Type | Default | Meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

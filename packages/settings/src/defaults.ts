import type { Config } from '@render-signal/config';
import type { Settings } from './settings.js';


/** The settings as the environment sets them: what every service uses until the dashboard stores an override. */
export function settingsDefaultsFromConfig(config: Config): Settings {
  const { webhook, delivery, rules } = config;
  return {
    webhook: {
      url: webhook.url,
      sendingEnabled: webhook.sendingEnabled,
      requireJsonSuccess: webhook.requireJsonSuccess,
      timeoutSeconds: Math.round(webhook.timeoutMs / 1000),
      maxAttempts: webhook.maxAttempts,
      retryBaseDelaySeconds: Math.round(delivery.retryBaseMs / 1000),
      rateLimit: delivery.rateLimit
        ? { max: delivery.rateLimit.max, windowSeconds: Math.round(delivery.rateLimit.durationMs / 1000) }
        : { max: 0, windowSeconds: 60 },
      holdOutsideWindow: false,
    },
    window: {
      ...(rules.window.start ? { start: rules.window.start } : {}),
      ...(rules.window.end ? { end: rules.window.end } : {}),
    },
    timezone: rules.timezone,
    absenceDays: [],
    polling: { ...config.polling, activeDays: [...config.polling.activeDays], enabled: true },
    senderAllowlist: [...rules.senderAllowlist],
    providerAllowlist: [...config.r2.allowedHosts],
    processing: { dedupeByMessageId: config.dedupe.enabled, sendWithoutLinks: rules.allowWithoutLinks },
    killSwitches: { fetchPaused: false, dispatchPaused: false, offloadDisabled: false },
  };
}

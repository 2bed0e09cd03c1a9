const MAKE_HOOK_HOST = 'hook.eu2.make.com';

/**
 * normalize_make_webhook_url of the original (§9.6): a Make.com hook can be pasted as a full URL,
 * as `<token>@hook.eu2.make.com`, or as the bare token. Returns the URL to store, or null when
 * the value is empty or none of those forms. The scheme test ignores case here (the original's
 * did not), so `HTTPS://…` pasted from somewhere is kept rather than refused as "not a URL", and
 * `@hook.eu2.make.com` without a token is refused.
 */
export function normalizeMakeWebhookUrl(value: string): string | null {
  const v = value.trim();
  if (v === '') return null;
  if (/^https?:\/\//i.test(v)) return v;
  if (v.includes(`@${MAKE_HOOK_HOST}`)) {
    const token = v.split('@')[0]!;
    return token === '' ? null : `https://${MAKE_HOOK_HOST}/${token}`;
  }
  if (!/[/\s@]/.test(v)) return `https://${MAKE_HOOK_HOST}/${v}`;
  return null;
}

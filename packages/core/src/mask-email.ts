/** mask_sensitive_data(value, 'email') of §13: "b***@domain"; "***" when it is not an address. */
export function maskEmail(s: string): string {
  const v = String(s ?? '').trim();
  if (!v) return '';
  const at = v.indexOf('@');
  if (at < 0) return '***';
  const local = v.slice(0, at);
  const domain = v.slice(at + 1);
  // Python's str.split('@', 1): everything after the first '@' is the domain
  if (!local || !domain) return '***';
  return `${Array.from(local)[0] ?? ''}***@${domain}`;
}

/**
 * Field names that must never reach a log line in clear. Grouped by kind so a new field is easy to
 * place. Masked values (maskEmail, maskSubject) are logged under other names (`sender`, `subjectHash`).
 */
const SECRET_KEYS = ['password', 'pass', 'token', 'secret', 'authorization', 'cookie', 'apiKey', 'webhookSecret'];
const PERSONAL_KEYS = [
  'subject',
  'from',
  'to',
  'email',
  'address',
  'sender_address',
  'sender_email',
  'email_content',
  'bodyPreview',
  'body',
  'text',
  'html',
  'payload',
  'source',
  'raw',
];

export const REDACTED = '[redacted]';
const REDACT_KEYS: ReadonlySet<string> = new Set([...SECRET_KEYS, ...PERSONAL_KEYS]);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Error) && !Buffer.isBuffer(v);

/** A copy of `fields` with a key of `REDACT_KEYS` blanked out; `fields` itself when none is there. */
function redactLevel(fields: Record<string, unknown>, deeper: boolean): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (REDACT_KEYS.has(key)) {
      out ??= { ...fields };
      out[key] = REDACTED;
    } else if (deeper && isPlainObject(value)) {
      const inner = redactLevel(value, false);
      if (inner !== value) {
        out ??= { ...fields };
        out[key] = inner;
      }
    }
  }
  return out ?? fields;
}

/**
 * Blanks secret and personal fields at the top level of a log call and one level down, copying
 * only what changes. It does what pino's `redact` paths (`key`, `*.key`) did, for a fraction of
 * the cost: that generic path matcher took most of a log call's time (about 60 µs a line against
 * 7 µs for pino alone); this is one Set lookup per key.
 */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  return redactLevel(fields, true);
}

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

/** pino redact paths: each key at the top level and one level down (pino's `*` is one level). */
export const REDACT_PATHS = [...SECRET_KEYS, ...PERSONAL_KEYS].flatMap((k) => [k, `*.${k}`]);
export const REDACTED = '[redacted]';

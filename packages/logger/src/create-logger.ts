import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogCode } from './codes.js';
import { redactFields } from './redaction.js';

export interface LogFields {
  code: LogCode;
  [key: string]: unknown;
}

type LogFn = (fields: LogFields, message?: string) => void;

/** A pino logger whose every call must name a stable code. */
export interface Logger {
  fatal: LogFn;
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
  child(bindings: Record<string, unknown>): Logger;
  /** The underlying pino instance, for libraries that take one (pino-http). */
  readonly pino: PinoLogger;
}

export interface LoggerOptions {
  service: string;
  level?: string;
  destination?: DestinationStream;
}

/** Errors are reduced to name, code and message: stacks and attached request data stay out of logs. */
function serializeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: String(err) };
  const code = (err as { code?: unknown }).code;
  return { name: err.name, message: err.message, ...(code === undefined ? {} : { code }) };
}

function wrap(p: PinoLogger): Logger {
  const call =
    (level: 'fatal' | 'error' | 'warn' | 'info' | 'debug'): LogFn =>
    (fields, message) =>
      message === undefined ? p[level](fields) : p[level](fields, message);
  return {
    fatal: call('fatal'),
    error: call('error'),
    warn: call('warn'),
    info: call('info'),
    debug: call('debug'),
    child: (bindings) => wrap(p.child(bindings)),
    pino: p,
  };
}

export function createLogger(options: LoggerOptions): Logger {
  const p = pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      serializers: { err: serializeError, error: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: redactFields },
    },
    options.destination,
  );
  return wrap(p);
}

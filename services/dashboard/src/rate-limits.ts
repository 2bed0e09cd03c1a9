import { rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import { RedisStore, type RedisReply } from 'rate-limit-redis';

/**
 * Counters live in Redis, so the limits hold across every dashboard instance. A limited request
 * gets 429 with `Retry-After` and a JSON or plain-text body.
 */
function limiter(options: {
  redis: Redis;
  prefix: string;
  name: string;
  limit: number;
  windowMs: number;
  key?: (req: import('express').Request) => string;
  /** Only failed attempts count (a successful login does not use the budget up). */
  countFailuresOnly?: boolean;
}): RateLimitRequestHandler {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    ...(options.key ? { keyGenerator: options.key } : {}),
    ...(options.countFailuresOnly ? { requestWasSuccessful: (_req, res) => res.locals['loginSucceeded'] === true, skipSuccessfulRequests: true } : {}),
    store: new RedisStore({
      prefix: `${options.prefix}:dashboard:rate:${options.name}:`,
      sendCommand: (command: string, ...args: string[]) => options.redis.call(command, ...args) as Promise<RedisReply>,
    }),
    handler: (req, res, _next, used) => {
      const message = 'too many attempts; try again later';
      if (req.path.startsWith('/api/')) res.status(used.statusCode).json({ success: false, message });
      else res.status(used.statusCode).type('text/plain').send(message);
    },
  });
}

export interface LoginLimits {
  perIp: number;
  total: number;
  windowMs: number;
}

/** Password and magic-link logins: per client address, and all addresses together. */
export function loginLimiters(redis: Redis, prefix: string, limits: LoginLimits): RateLimitRequestHandler[] {
  return [
    limiter({ redis, prefix, name: 'login-ip', limit: limits.perIp, windowMs: limits.windowMs, countFailuresOnly: true }),
    limiter({ redis, prefix, name: 'login-all', limit: limits.total, windowMs: limits.windowMs, key: () => 'all', countFailuresOnly: true }),
  ];
}

/** Creating magic links: per logged-in user (or API key). */
export function magicLinkLimiter(redis: Redis, prefix: string, limit = 20, windowMs = 15 * 60_000): RateLimitRequestHandler {
  return limiter({ redis, prefix, name: 'magic-link', limit, windowMs, key: (req) => req.actor ?? 'anonymous' });
}

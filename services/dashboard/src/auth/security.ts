import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { constantTimeEqual } from './password.js';

declare module 'express-session' {
  interface SessionData {
    /** The logged-in user name; absent before login. */
    user?: string;
    csrfToken?: string;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Who makes the request: the session's user, or `api-key`. Set by `requireAuth`. */
      actor?: string;
    }
  }
}

/** Name of the session cookie. */
export const SESSION_COOKIE = 'rs.sid';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session's CSRF token (synchronizer pattern), created on first use. */
export function csrfToken(req: Request): string {
  if (!req.session.csrfToken) req.session.csrfToken = randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

const wantsJson = (req: Request) => req.path.startsWith('/api/') || req.path.startsWith('/admin/queues/api/') || req.accepts(['html', 'json']) === 'json';

/** A local path to return to after login: never another origin (the original's open redirect). */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\r\n]/.test(value)) return '/';
  return value;
}

export interface AuthOptions {
  /** TEST_API_KEY; undefined = API-key access off. */
  apiKey: string | undefined;
}

/**
 * Lets a request through with a logged-in session or a valid `X-API-Key`. Otherwise a page gets
 * a redirect to the login form and an API call a 401 (the original redirected API calls too).
 */
export function requireAuth({ apiKey }: AuthOptions): RequestHandler {
  return (req, res, next) => {
    const header = req.get('x-api-key');
    if (apiKey !== undefined && header !== undefined && constantTimeEqual(header, apiKey)) {
      req.actor = 'api-key';
      return next();
    }
    if (req.session?.user) {
      req.actor = req.session.user;
      return next();
    }
    if (wantsJson(req)) {
      res.status(401).json({ success: false, message: 'Unauthorized' });
      return;
    }
    res.redirect(303, `/login?next=${encodeURIComponent(safeNext(req.originalUrl))}`);
  };
}

function refuse(req: Request, res: Response, message: string): void {
  if (wantsJson(req)) res.status(403).json({ success: false, message });
  else res.status(403).type('text/plain').send(message);
}

/**
 * CSRF protection for every state-changing request made with the session cookie: the request
 * must come from this origin (`Sec-Fetch-Site`/`Origin`, which browsers set and pages cannot
 * forge) and, unless `originOnly`, carry the session's token in `X-CSRF-Token` or the `_csrf`
 * form field, compared in constant time. Bull Board's own front end cannot send our token, so its
 * API is covered by the origin check alone (with the SameSite cookie). An API-key request carries
 * no cookie and needs neither.
 */
export function csrfProtection({ originOnly = false }: { originOnly?: boolean } = {}): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method) || req.actor === 'api-key') return next();
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    const sameOrigin = site !== undefined ? site === 'same-origin' || site === 'none' : origin === undefined || origin === `${req.protocol}://${req.get('host')}`;
    if (!sameOrigin) return refuse(req, res, 'cross-site request refused');
    if (originOnly) return next();
    const sent = req.get('x-csrf-token') ?? (typeof req.body?._csrf === 'string' ? (req.body._csrf as string) : undefined);
    const expected = req.session?.csrfToken;
    if (sent === undefined || expected === undefined || !constantTimeEqual(sent, expected)) return refuse(req, res, 'missing or invalid CSRF token; reload the page');
    next();
  };
}

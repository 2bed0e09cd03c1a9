import { Router, type Request, type Response } from 'express';
import { constantTimeEqual, verifyPassword } from '../auth/password.js';
import { csrfProtection, csrfToken, safeNext, SESSION_COOKIE } from '../auth/security.js';
import type { DashboardDeps } from '../deps.js';
import { loginLimiters } from '../rate-limits.js';
import { loginPage } from '../views/pages.js';

const LINK_REFUSED = 'This link is invalid, expired or already used.';
const ERRORS: Record<string, string> = { link: LINK_REFUSED, expired: 'Your session has ended; log in again.' };

/** Starts a fresh session for the user (a new id: a session fixed before login is worthless). */
function logIn(req: Request, user: string): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.user = user;
      req.session.save((saveErr) => (saveErr ? reject(saveErr) : resolve()));
    }),
  );
}

/** `/login`, `/login/magic/<token>` and `/logout`: the original's paths, without its open redirect. */
export function authRoutes(deps: DashboardDeps): Router {
  const { config, log } = deps;
  const router = Router();
  const limits = loginLimiters(deps.redis, config.redis.prefix, config.dashboard.loginLimits);

  const showLogin = (req: Request, res: Response, status: number, error?: string) => {
    res.status(status).type('html').send(loginPage({ csrf: csrfToken(req), next: safeNext(req.query['next'] ?? req.body?.next), ...(error ? { error } : {}) }).value);
  };

  router.get('/login', (req, res) => {
    if (req.session.user) return res.redirect(303, safeNext(req.query['next']));
    const code = typeof req.query['error'] === 'string' ? req.query['error'] : undefined;
    showLogin(req, res, 200, code ? (ERRORS[code] ?? 'Login failed.') : undefined);
  });

  router.post('/login', ...limits, csrfProtection(), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body['next']);
    if (typeof body['magic_token'] === 'string' && body['magic_token'] !== '') {
      if (await deps.magicLinks.redeem(body['magic_token'])) {
        res.locals['loginSucceeded'] = true;
        await logIn(req, config.dashboard.user);
        log.info({ code: 'dashboard.login', method: 'magic_link' });
        return res.redirect(303, next);
      }
      log.warn({ code: 'dashboard.login_refused', method: 'magic_link' });
      return showLogin(req, res, 401, LINK_REFUSED);
    }
    const user = typeof body['username'] === 'string' ? body['username'] : '';
    const password = typeof body['password'] === 'string' ? body['password'] : '';
    // Both checks always run, so the answer takes as long for a wrong user as for a wrong password.
    const [userOk, passwordOk] = [constantTimeEqual(user, config.dashboard.user), await verifyPassword(config.dashboard.password, password)];
    if (userOk && passwordOk) {
      res.locals['loginSucceeded'] = true;
      await logIn(req, config.dashboard.user);
      log.info({ code: 'dashboard.login', method: 'password' });
      return res.redirect(303, next);
    }
    log.warn({ code: 'dashboard.login_refused', method: 'password' });
    showLogin(req, res, 401, 'Invalid user or password.');
  });

  router.get('/login/magic/:token', ...limits, async (req, res) => {
    if (await deps.magicLinks.redeem(String(req.params['token']))) {
      res.locals['loginSucceeded'] = true;
      await logIn(req, config.dashboard.user);
      log.info({ code: 'dashboard.login', method: 'magic_link' });
      return res.redirect(303, safeNext(req.query['next']));
    }
    log.warn({ code: 'dashboard.login_refused', method: 'magic_link' });
    res.redirect(303, '/login?error=link');
  });

  return router;
}

/** Ends the session; GET is kept for the original's links, POST is what the pages use. */
export function logoutRoutes(): Router {
  const router = Router();
  const logout = (req: Request, res: Response) => {
    req.session.destroy(() => {
      res.clearCookie(SESSION_COOKIE);
      res.redirect(303, '/login');
    });
  };
  router.get('/logout', logout);
  router.post('/logout', logout);
  return router;
}

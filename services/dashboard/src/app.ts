import RedisStore from 'connect-redis';
import express, { type ErrorRequestHandler, type Express } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { csrfProtection, requireAuth, SESSION_COOKIE } from './auth/security.js';
import { BULL_BOARD_PATH, bullBoardApp } from './bull-board.js';
import type { DashboardDeps } from './deps.js';
import { mountApp } from './list-routes.js';
import { apiRoutes } from './routes/api-routes.js';
import { authRoutes, logoutRoutes } from './routes/auth-routes.js';
import { pageRoutes } from './routes/page-routes.js';
import { messagePage, STYLE } from './views/pages.js';

export { SESSION_COOKIE };

const ANONYMOUS_SESSION_TTL_SECONDS = 15 * 60;

/**
 * The dashboard. In order: security headers; the public probes and style sheet; the session;
 * the login routes; then the gate (`requireAuth`): nothing registered after it answers without a
 * session or an API key, Bull Board included; then CSRF checks on every state change.
 */
export function createDashboardApp(deps: DashboardDeps): Express {
  const { config, log } = deps;
  const production = config.env === 'production';
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.dashboard.trustProxyHops);

  const strictCsp = {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    upgradeInsecureRequests: production ? [] : null,
  };
  app.use(
    helmet({
      contentSecurityPolicy: { directives: strictCsp },
      strictTransportSecurity: production,
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/api/ping', (_req, res) => {
    res.json({ status: 'pong', timestamp_utc: deps.clock().toISOString() });
  });
  app.get('/assets/style.css', (_req, res) => {
    res.type('css').set('cache-control', 'public, max-age=3600').send(STYLE);
  });

  app.use(
    session({
      name: SESSION_COOKIE,
      secret: config.dashboard.secretKey,
      store: new RedisStore({
        client: deps.redis,
        prefix: `${config.redis.prefix}:dashboard:session:`,
        // A visitor's session (only a CSRF token for the login form) lasts 15 minutes, so requests
        // without a cookie cannot pile sessions up in a Redis that never evicts.
        ttl: (sess) => (sess.user ? config.dashboard.sessionTtlSeconds : ANONYMOUS_SESSION_TTL_SECONDS),
      }),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, secure: production, sameSite: 'lax', maxAge: config.dashboard.sessionTtlSeconds * 1000 },
    }),
  );
  app.use(express.urlencoded({ extended: true, limit: '64kb' }));
  app.use(express.json({ limit: '64kb' }));

  app.use(authRoutes(deps));
  app.use(requireAuth({ apiKey: config.dashboard.apiKey }));

  mountApp(
    app,
    BULL_BOARD_PATH,
    [
      // Bull Board's page has inline styles and loads its fonts from Google; scripts stay same-origin.
      helmet.contentSecurityPolicy({ directives: { ...strictCsp, styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'], fontSrc: ["'self'", 'https://fonts.gstatic.com'] } }),
      csrfProtection({ originOnly: true }),
    ],
    bullBoardApp(deps.stages.values()),
  );

  app.use(csrfProtection());
  app.use(logoutRoutes());
  app.use(apiRoutes(deps));
  app.use(pageRoutes(deps));

  const onError: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({ success: false, errors: [{ path: '', message: 'the body is not valid JSON' }] });
      return;
    }
    if (e.type === 'entity.too.large') {
      res.status(413).json({ success: false, message: 'the body is too large' });
      return;
    }
    log.error({ code: 'dashboard.error', method: req.method, route: req.route?.path ?? req.path, err });
    if (res.headersSent) return;
    if (req.path.startsWith('/api/')) res.status(500).json({ success: false, message: 'internal error' });
    else res.status(500).type('html').send(messagePage('Error', 'Something went wrong; the error was logged.').value);
  };
  app.use(onError);
  return app;
}

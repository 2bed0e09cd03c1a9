import express, { type Express } from 'express';

/**
 * The dashboard's HTTP app. For now it serves the original's unauthenticated probes, which
 * scripts and uptime monitors already call; login, Bull Board and the config API come next.
 */
export function createDashboardApp(clock: () => Date): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/api/ping', (_req, res) => {
    res.json({ status: 'pong', timestamp_utc: clock().toISOString() });
  });
  return app;
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export type ReadinessCheck = () => Promise<boolean>;

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * `/healthz` (the process answers), `/readyz` (every dependency answers) and `/metrics`
 * (Prometheus text). Plain node:http: three routes do not need a framework.
 */
export async function startHealthServer(options: {
  port: number;
  host?: string;
  registry: Registry;
  checks: ReadonlyMap<string, ReadinessCheck>;
}): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'method not allowed' });
    if (path === '/healthz') return send(200, { status: 'ok' });
    if (path === '/readyz') {
      void readiness(options.checks).then(({ ready, checks }) => send(ready ? 200 : 503, { ready, checks }));
      return;
    }
    if (path === '/metrics') {
      void options.registry.metrics().then(
        (text) => send(200, text, options.registry.contentType),
        () => send(500, { error: 'metrics unavailable' }),
      );
      return;
    }
    send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readiness(checks: ReadonlyMap<string, ReadinessCheck>) {
  const results: Record<string, boolean> = {};
  await Promise.all(
    [...checks].map(async ([name, check]) => {
      results[name] = await check().catch(() => false);
    }),
  );
  return { ready: Object.values(results).every(Boolean), checks: results };
}

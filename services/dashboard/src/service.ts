import type { AddressInfo } from 'node:net';
import type { ServiceDefinition } from '@render-signal/queue';
import { createDashboardApp } from './app.js';

export const dashboard: ServiceDefinition = {
  name: 'dashboard',
  portOffset: 5,
  async start({ config, log, lifecycle, clock }) {
    const app = createDashboardApp(clock);
    const server = await new Promise<import('node:http').Server>((resolve, reject) => {
      const s = app.listen(config.http.port, (err?: Error) => (err ? reject(err) : resolve(s)));
    });
    lifecycle.onStop('dashboard http', () => new Promise<void>((resolve) => server.close(() => resolve())));
    log.info({ code: 'http.listening', port: (server.address() as AddressInfo).port, routes: ['/health', '/api/ping'] });
  },
};

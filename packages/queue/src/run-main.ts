import { ConfigError, EXIT_CONFIG } from '@render-signal/config';
import { runServices, type RunningServices } from './run-services.js';
import type { ServiceDefinition } from './service.js';

/**
 * Process entry point shared by `pnpm start` and each `services/<name>`: starts the services,
 * drains them on SIGTERM/SIGINT and exits 0 after a clean shutdown, 78 on a configuration error,
 * 1 otherwise.
 */
export async function runMain(services: readonly ServiceDefinition[]): Promise<void> {
  let running: RunningServices;
  try {
    running = await runServices(services, { startRedisIfMissing: true });
  } catch (err) {
    if (err instanceof ConfigError) {
      // Before a logger exists: a plain, readable list on stderr, plus one structured line.
      process.stderr.write(`${err.message}\n`);
      process.stderr.write(`${JSON.stringify({ level: 'fatal', code: 'config.invalid', problems: err.problems.length })}\n`);
      process.exit(EXIT_CONFIG);
    }
    process.stderr.write(`${JSON.stringify({ level: 'fatal', code: 'service.crashed', message: (err as Error).message })}\n`);
    process.exit(1);
  }

  let signalled = false;
  const shutdown = (signal: string) => {
    if (signalled) return;
    signalled = true;
    void running.stop(signal).then((clean) => process.exit(clean ? 0 : 1));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => {
    running.log.fatal({ code: 'service.crashed', err });
    void running.stop('crash').then(() => process.exit(1));
  });
}
